import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { parseForm, INT_MAX } from '$lib/server/forms';
import { log } from '$lib/server/log';
import { loadLadder, getStanding } from '$lib/server/loyalty';
import { startCheckout, liveSubscriptions, getPayments, tierPrices } from '$lib/server/patronage';
import { config } from '$lib/server/config';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

// Public: the ladder is how we invite people in. Signed-in fans also see where they stand.
export const load: PageServerLoad = async ({ locals, url }) => {
	const db = getDb();
	const [ladder, prices, standing, plans] = await Promise.all([
		loadLadder(db),
		tierPrices(db),
		locals.user ? getStanding(db, locals.user.id) : null,
		locals.user ? liveSubscriptions(db, locals.user.id) : []
	]);
	return {
		tiers: ladder.map((t) => {
			const p = prices.find((x) => x.rank === t.rank);
			return {
				rank: t.rank,
				name: t.name,
				colour: t.colour,
				benefits: t.benefits,
				pointsThreshold: t.pointsThreshold,
				paidName: t.paidName,
				monthly: p?.monthly ?? null,
				yearly: p?.yearly ?? null,
				currency: p?.currency ?? 'eur'
			};
		}),
		current: standing
			? { rank: standing.progress.rank, points: standing.progress.points, route: standing.progress.route }
			: null,
		// A subscriber changes plan in the portal (prorated) rather than buying a second one.
		hasPlan: plans.length > 0,
		demoPayments: config.demoPayments,
		checkoutCancelled: url.searchParams.get('checkout') === 'cancelled',
		// One per page view: submitting the same choice twice opens the same Checkout Session.
		attempt: crypto.randomUUID()
	};
};

const checkoutSchema = z.object({
	rank: z.coerce.number().int().min(0).max(INT_MAX, 'Choose a tier from the list.'),
	interval: z.enum(['month', 'year'], { message: 'Choose monthly or yearly.' }),
	attempt: z.string().min(8).max(64)
});

export const actions: Actions = {
	checkout: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const parsed = parseForm(checkoutSchema, form);
		const rank = Number(form.get('rank'));
		if (!parsed.ok) return fail(400, { rank, errors: parsed.errors as Record<string, string | undefined> });
		let result;
		try {
			result = await startCheckout(getDb(), await getPayments(), user, {
				...parsed.data,
				origin: event.url.origin
			});
		} catch (err) {
			log.error('checkout failed', { requestId: event.locals.requestId, error: String(err) });
			return fail(502, {
				rank,
				errors: {
					form: `Payments are not answering right now. Nothing was charged; please try again. (ref ${event.locals.requestId})`
				}
			});
		}
		if (result.kind === 'already_patron') redirect(303, '/account/billing?already=1');
		if (result.kind === 'not_for_sale')
			return fail(400, { rank, errors: { form: 'This tier cannot be bought at the moment.' } });
		redirect(303, result.url);
	}
};
