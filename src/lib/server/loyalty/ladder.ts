// The tier ladder as the engine sees it: pure data, no I/O.

export interface LadderTier {
	rank: number;
	name: string;
	/** 12-month points that earn this tier; null = paid route only. */
	pointsThreshold: number | null;
	/** Paid route: is there a price at all? */
	purchasable: boolean;
	paidName?: string | null;
	colour?: string;
}

export type Ladder = readonly LadderTier[];

/** Rank order, lowest first; the engine never trusts the caller's order. */
export function sortLadder<T extends LadderTier>(ladder: readonly T[]): T[] {
	return [...ladder].sort((a, b) => a.rank - b.rank);
}

// The look-ups below run once per engagement and per page: single passes, no sorting or copying.

/** The highest rank whose threshold the points meet (the lowest rank if none: everyone is at least on the first rung). */
export function rankForPoints(ladder: Ladder, points: number): number {
	let lowest = Infinity;
	let best = -Infinity;
	for (const tier of ladder) {
		if (tier.rank < lowest) lowest = tier.rank;
		if (tier.pointsThreshold !== null && points >= tier.pointsThreshold && tier.rank > best) best = tier.rank;
	}
	if (lowest === Infinity) return 0;
	return Math.max(lowest, best);
}

export function tierAt(ladder: Ladder, rank: number): LadderTier | undefined {
	return ladder.find((t) => t.rank === rank);
}

/** The lowest tier above `rank` that passes `test`. */
function nextAbove(ladder: Ladder, rank: number, test: (t: LadderTier) => boolean): LadderTier | undefined {
	let next: LadderTier | undefined;
	for (const t of ladder) if (t.rank > rank && test(t) && (!next || t.rank < next.rank)) next = t;
	return next;
}

/** The next tier above `rank` that can be earned with points, if any. */
export function nextEarnable(ladder: Ladder, rank: number): LadderTier | undefined {
	return nextAbove(ladder, rank, (t) => t.pointsThreshold !== null);
}

/** The cheapest paid tier above `rank`, if any. */
export function nextPurchasable(ladder: Ladder, rank: number): LadderTier | undefined {
	return nextAbove(ladder, rank, (t) => t.purchasable);
}

/** Validation for staff edits: ranks unique, thresholds rising with rank, a free first rung. */
export function ladderProblems(ladder: Ladder): string[] {
	const problems: string[] = [];
	const sorted = sortLadder(ladder);
	const ranks = new Set<number>();
	for (const t of sorted) {
		if (ranks.has(t.rank)) problems.push(`Two tiers share rank ${t.rank}.`);
		ranks.add(t.rank);
	}
	if (sorted[0] && sorted[0].pointsThreshold !== 0)
		problems.push(`${sorted[0].name} is the first rung: it must start at 0 points.`);
	let previous: LadderTier | undefined;
	for (const t of sorted) {
		if (t.pointsThreshold === null) continue;
		if (previous && previous.pointsThreshold !== null && t.pointsThreshold <= previous.pointsThreshold) {
			problems.push(`${t.name} needs more points than ${previous.name} (${previous.pointsThreshold}).`);
		}
		previous = t;
	}
	return problems;
}
