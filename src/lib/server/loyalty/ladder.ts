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

/** The highest rank whose threshold the points meet (0 if none: everyone is at least on the first rung). */
export function rankForPoints(ladder: Ladder, points: number): number {
	let best = sortLadder(ladder)[0]?.rank ?? 0;
	for (const tier of sortLadder(ladder)) {
		if (tier.pointsThreshold !== null && points >= tier.pointsThreshold) best = tier.rank;
	}
	return best;
}

export function tierAt(ladder: Ladder, rank: number): LadderTier | undefined {
	return ladder.find((t) => t.rank === rank);
}

/** The next tier above `rank` that can be earned with points, if any. */
export function nextEarnable(ladder: Ladder, rank: number): LadderTier | undefined {
	return sortLadder(ladder).find((t) => t.rank > rank && t.pointsThreshold !== null);
}

/** The cheapest paid tier above `rank`, if any. */
export function nextPurchasable(ladder: Ladder, rank: number): LadderTier | undefined {
	return sortLadder(ladder).find((t) => t.rank > rank && t.purchasable);
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
