// What a fan reads on their home: where they stand, what the next step is by either route,
// and when their tier would lapse and why. Pure: computed from the state and recent entries.
import { nextEarnable, nextPurchasable, tierAt, type Ladder, type LadderTier } from './ladder';
import {
	addMonths,
	windowPoints,
	WINDOW_MONTHS,
	type EarnedState,
	type PaidState,
	type PointEntry
} from './tier-state';

export interface Progress {
	rank: number;
	route: 'earned' | 'paid';
	points: number;
	next: {
		tier: LadderTier;
		/** Points still needed, if it can be earned. */
		pointsNeeded: number | null;
		/** Earn them before this moment, after which some current points expire (null: no deadline). */
		byDate: Date | null;
		/** 0–1 toward the next threshold from the current tier's. */
		fraction: number;
		/** The cheapest paid tier that gets there (or further) at once. */
		buy: LadderTier | null;
	} | null;
	lapse: {
		at: Date;
		/** What happens then, in the engine's terms: the view turns it into words. */
		kind: 'paid-period-ends' | 'hold-ends-safe' | 'hold-ends-needs-points';
		pointsToKeep: number;
		pointsCountingThen: number;
	} | null;
}

/** The first moment after `now` at which one of the counting entries leaves the window. */
export function firstExpiry(entries: readonly PointEntry[], now: Date): Date | null {
	let first: Date | null = null;
	for (const e of entries) {
		if (e.points <= 0) continue;
		const expires = addMonths(e.occurredAt, WINDOW_MONTHS);
		if (expires.getTime() > now.getTime() && windowPoints([e], now) > 0 && (!first || expires < first))
			first = expires;
	}
	return first;
}

export function computeProgress(
	ladder: Ladder,
	earned: EarnedState,
	paid: PaidState | null,
	entries: readonly PointEntry[],
	now: Date
): Progress {
	const points = windowPoints(entries, now);
	const paidActive = paid && paid.until.getTime() > now.getTime() ? paid : null;
	const route: 'earned' | 'paid' = paidActive && paidActive.rank > earned.rank ? 'paid' : 'earned';
	const rank = route === 'paid' ? paidActive!.rank : earned.rank;
	const current = tierAt(ladder, rank);

	let next: Progress['next'] = null;
	const earnable = nextEarnable(ladder, rank);
	const buyable = nextPurchasable(ladder, rank);
	const target = earnable ?? buyable;
	if (target) {
		const threshold = earnable?.pointsThreshold ?? null;
		const floor = current?.pointsThreshold ?? 0;
		const needed = threshold === null ? null : Math.max(0, threshold - points);
		next = {
			tier: target,
			pointsNeeded: needed,
			byDate: needed === null || points <= 0 ? null : firstExpiry(entries, now),
			fraction:
				threshold === null ? 0 : Math.min(1, Math.max(0, (points - floor) / Math.max(1, threshold - floor))),
			buy: buyable ?? null
		};
	}

	let lapse: Progress['lapse'] = null;
	if (route === 'paid' && paidActive) {
		lapse = { at: paidActive.until, kind: 'paid-period-ends', pointsToKeep: 0, pointsCountingThen: 0 };
	} else if (earned.heldUntil && current?.pointsThreshold) {
		const then = windowPoints(entries, earned.heldUntil);
		lapse = {
			at: earned.heldUntil,
			kind: then >= current.pointsThreshold ? 'hold-ends-safe' : 'hold-ends-needs-points',
			pointsToKeep: current.pointsThreshold,
			pointsCountingThen: then
		};
	}
	return { rank, route, points, next, lapse };
}
