import { error, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { loadLadder } from '$lib/server/loyalty';
import { completeCheckout, deliverDemoEventsLater, getPayments } from '$lib/server/patronage';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** The member's own open demo session, or 404 (also whenever real Stripe is configured). */
async function demoSession(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	const user = requireUser(event);
	const payments = await getPayments();
	if (payments.mode !== 'demo' || !payments.fake) error(404, 'Not found');
	const session = await payments.fake.store.get(event.params.session);
	if (!session || session.object !== 'checkout.session' || session.client_reference_id !== user.id)
		error(404, 'This checkout does not exist.');
	return { payments, fake: payments.fake, session };
}

/** Stripe fills in the session id; the demo stays on this site whatever ORIGIN says. */
function localPath(url: unknown, sessionId: string): string {
	const u = new URL(String(url).replace('{CHECKOUT_SESSION_ID}', sessionId), 'http://localhost');
	return u.pathname + u.search;
}

export const load: PageServerLoad = async (event) => {
	const { fake, session } = await demoSession(event);
	const price = await fake.store.get(String(session._price));
	const rank = Number((price?.metadata as Record<string, string> | undefined)?.tier_rank);
	const tier = (await loadLadder(getDb())).find((t) => t.rank === rank);
	return {
		open: session.status === 'open',
		tierName: tier?.name ?? 'Membership',
		paidName: tier?.paidName ?? tier?.name ?? 'Member',
		colour: tier?.colour ?? '#5b3df5',
		amountMinor: Number(price?.unit_amount ?? 0),
		currency: String(price?.currency ?? 'eur'),
		interval: (price?.recurring as { interval?: string } | undefined)?.interval ?? 'month',
		cancelPath: localPath(session.cancel_url, session.id),
		successPath: localPath(session.success_url, session.id)
	};
};

export const actions: Actions = {
	pay: async (event) => {
		const { payments, fake, session } = await demoSession(event);
		const events = await completeCheckout(fake, session.id);
		// Like Stripe: the browser comes back at once, the webhooks follow.
		deliverDemoEventsLater(getDb(), payments, events);
		redirect(303, localPath(session.success_url, session.id));
	}
};
