import { getDb } from '$lib/server/db';
import { loadLadder } from '$lib/server/loyalty/engine';
import { getStanding } from '$lib/server/loyalty/standing';
import { tiers } from '$lib/server/db/schema';
import type { PageServerLoad } from './$types';

// Public: the ladder is how we invite people in. Signed-in fans also see where they stand.
export const load: PageServerLoad = async ({ locals }) => {
	const db = getDb();
	const [ladder, prices, standing] = await Promise.all([
		loadLadder(db),
		db
			.select({
				rank: tiers.rank,
				monthly: tiers.monthlyPriceMinor,
				yearly: tiers.yearlyPriceMinor,
				currency: tiers.currency
			})
			.from(tiers),
		locals.user ? getStanding(db, locals.user.id) : null
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
		current: standing ? { rank: standing.progress.rank, points: standing.progress.points } : null
	};
};
