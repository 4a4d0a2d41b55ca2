// The fast paths must answer exactly as the plain definitions do: the ladder look-ups on a ladder
// in any order, and the prefix-sum window on any history.
import { describe, expect, it } from 'vitest';
import { nextEarnable, nextPurchasable, rankForPoints, type Ladder } from '$lib/server/loyalty/ladder';
import {
	pointsAtOver,
	replay,
	timelineOf,
	windowPoints,
	type PointEntry
} from '$lib/server/loyalty/tier-state';

const LADDER: Ladder = [
	{ rank: 0, name: 'Listener', pointsThreshold: 0, purchasable: false },
	{ rank: 1, name: 'Fan', pointsThreshold: 200, purchasable: false },
	{ rank: 2, name: 'Insider', pointsThreshold: 1000, purchasable: true },
	{ rank: 3, name: 'Patron', pointsThreshold: null, purchasable: true },
	{ rank: 4, name: 'Inner Circle', pointsThreshold: 5000, purchasable: true }
];
const SHUFFLED: Ladder = [LADDER[3], LADDER[0], LADDER[4], LADDER[2], LADDER[1]];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
		return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
	};
}

describe('ladder look-ups do not depend on the ladder order', () => {
	it('rankForPoints', () => {
		for (const points of [0, 199, 200, 999, 1000, 4999, 5000, 1e6]) {
			expect(rankForPoints(SHUFFLED, points)).toBe(rankForPoints(LADDER, points));
		}
		expect(rankForPoints(SHUFFLED, 1000)).toBe(2);
		expect(rankForPoints([], 10)).toBe(0);
	});

	it('a ladder whose first rung is not rank 0 still floors at its lowest rank', () => {
		const shifted: Ladder = [
			{ rank: 5, name: 'B', pointsThreshold: 100, purchasable: false },
			{ rank: 3, name: 'A', pointsThreshold: 0, purchasable: false }
		];
		expect(rankForPoints(shifted, 0)).toBe(3);
		expect(rankForPoints(shifted, 150)).toBe(5);
	});

	it('nextEarnable and nextPurchasable', () => {
		expect(nextEarnable(SHUFFLED, 2)?.rank).toBe(4); // Patron has no threshold
		expect(nextEarnable(SHUFFLED, 0)?.rank).toBe(1);
		expect(nextEarnable(SHUFFLED, 4)).toBeUndefined();
		expect(nextPurchasable(SHUFFLED, 0)?.rank).toBe(2);
		expect(nextPurchasable(SHUFFLED, 2)?.rank).toBe(3);
		expect(nextPurchasable(SHUFFLED, 4)).toBeUndefined();
	});
});

describe('pointsAtOver', () => {
	it('equals windowPoints at every moment of a random history, window edges included', () => {
		const next = random(42);
		const start = Date.parse('2024-01-01T00:00:00Z');
		const span = 3 * 365 * 86_400_000;
		const entries: PointEntry[] = Array.from({ length: 400 }, () => ({
			occurredAt: new Date(start + Math.floor(next() * span)),
			points: Math.floor(next() * 200) - 20
		}));
		const pointsAt = pointsAtOver(entries);
		const moments = [
			...entries.map((e) => e.occurredAt),
			// Exactly twelve months after an entry: the entry has just left the window.
			...entries.slice(0, 50).map((e) => {
				const d = new Date(e.occurredAt);
				d.setUTCMonth(d.getUTCMonth() + 12);
				return d;
			}),
			...Array.from({ length: 100 }, () => new Date(start + Math.floor(next() * span)))
		];
		for (const at of moments) expect(pointsAt(at)).toBe(windowPoints(entries, at));
	});

	it('a replay of a long history gives the same state whatever the entry order', () => {
		const next = random(7);
		const start = Date.parse('2025-01-01T00:00:00Z');
		const entries: PointEntry[] = Array.from({ length: 2000 }, () => ({
			occurredAt: new Date(start + Math.floor(next() * 700 * 86_400_000)),
			points: Math.floor(next() * 30)
		}));
		const timeline = timelineOf(LADDER);
		expect(replay([...entries].reverse(), timeline)).toEqual(replay(entries, timeline));
	});
});
