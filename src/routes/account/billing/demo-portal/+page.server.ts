import { error, fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { loadLadder } from '$lib/server/loyalty';
import {
	endPeriod,
	portalUpdate,
	recoverPayment,
	subscriptionPrice,
	type FakeEvent,
	deliverDemoEvents,
	getPayments,
	listPrices,
	liveSubscriptions
} from '$lib/server/patronage';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/http';
import { pendingCancellationLink } from '$lib/server/feedback';

type Event = Pick<RequestEvent, 'locals' | 'url' | 'request'>;

/** Stands in for the Stripe Customer Portal when demo payments are on: the member's live plan. */
async function demoPlan(event: Event) {
	const user = requireUser(event);
	const payments = await getPayments();
	if (payments.mode !== 'demo' || !payments.fake) error(404, 'Not found');
	const [live] = await liveSubscriptions(getDb(), user.id);
	const subscription = live ? await payments.fake.store.get(live.id) : undefined;
	return { payments, fake: payments.fake, subscription };
}

export const load: PageServerLoad = async (event) => {
	const { fake, subscription } = await demoPlan(event);
	const db = getDb();
	const [ladder, prices] = await Promise.all([loadLadder(db), listPrices(db)]);
	const tierOfPrice = (priceId: unknown) => {
		const row = prices.find((p) => p.stripePriceId === priceId);
		return row ? ladder.find((t) => t.id === row.tierId) : undefined;
	};
	const current = subscription ? subscriptionPrice(subscription) : null;
	const pending = subscription?._pending_price
		? await fake.store.get(String(subscription._pending_price))
		: null;
	return {
		plan: subscription &&
			current && {
				status: String(subscription.status),
				cancelAtPeriodEnd: Boolean(subscription.cancel_at_period_end),
				priceId: current.id,
				tierName: tierOfPrice(current.id)?.name ?? 'Membership',
				pendingTierName: pending ? (tierOfPrice(pending.id)?.name ?? null) : null
			},
		options: prices
			.map((p) => ({ ...p, tier: ladder.find((t) => t.id === p.tierId) }))
			.filter((p) => p.tier)
			.sort((a, b) => a.tier!.rank - b.tier!.rank || a.interval.localeCompare(b.interval))
			.map((p) => ({
				priceId: p.stripePriceId,
				label: `${p.tier!.name}, ${p.interval === 'year' ? 'yearly' : 'monthly'}`,
				amountMinor: p.amountMinor,
				currency: p.currency
			}))
	};
};

/** Runs a change on Stripe's side, delivers its events through the webhook handler, goes back to billing. */
async function act(
	event: Event,
	done: string,
	change: (
		fake: NonNullable<Awaited<ReturnType<typeof demoPlan>>['fake']>,
		id: string,
		form: FormData
	) => Promise<FakeEvent[] | null>
) {
	const { payments, fake, subscription } = await demoPlan(event);
	if (!subscription) return fail(400, { error: 'You have no plan to change.' });
	const events = await change(fake, subscription.id, await readForm(event));
	if (events === null) return fail(400, { error: 'Choose a plan.' });
	await deliverDemoEvents(getDb(), payments, events);
	// Cancelling asks one tap on why (optional: the page links back to billing).
	const why = done === 'cancelled' ? await pendingCancellationLink(getDb(), event.locals.user!.id) : null;
	redirect(303, why ?? `/account/billing?demo=${done}`);
}

export const actions: Actions = {
	cancel: (event) =>
		act(event, 'cancelled', (fake, id) => portalUpdate(fake, id, { cancelAtPeriodEnd: true })),
	resume: (event) =>
		act(event, 'resumed', (fake, id) => portalUpdate(fake, id, { cancelAtPeriodEnd: false })),
	switch: (event) =>
		act(event, 'switched', async (fake, id, form) => {
			const priceId = String(form.get('price') ?? '');
			return priceId ? portalUpdate(fake, id, { priceId }) : null;
		}),
	updateCard: (event) => act(event, 'recovered', (fake, id) => recoverPayment(fake, id)),
	renew: (event) => act(event, 'renewed', (fake, id) => endPeriod(fake, id, true)),
	failRenewal: (event) => act(event, 'failed', (fake, id) => endPeriod(fake, id, false))
};
