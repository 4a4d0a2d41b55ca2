import { describe, expect, it } from 'vitest';
import {
	DEFAULT_DRAW_WEIGHTS,
	entrantWeight,
	newDrawSeed,
	runWeightedDraw,
	seededUniforms,
	tenureYears,
	type DrawEntrant
} from '$lib/server/tickets/draw';

const at = new Date('2026-12-01T10:00:00Z');
const year = 365.25 * 24 * 3600_000;

function entrants(n: number, rank = 1, since = at): DrawEntrant[] {
	return Array.from({ length: n }, (_, i) => ({
		id: i + 1,
		memberId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
		seats: 1,
		rank,
		memberSince: since
	}));
}

describe('seeded randomness', () => {
	it('is a stream in (0, 1), the same for the same seed and different for another', () => {
		const a = seededUniforms('seed-a');
		const b = seededUniforms('seed-a');
		const c = seededUniforms('seed-b');
		const xs = Array.from({ length: 1000 }, () => a());
		expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
		expect(xs.slice(0, 5)).not.toEqual(Array.from({ length: 5 }, () => c()));
		expect(xs.every((x) => x > 0 && x < 1)).toBe(true);
		const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
		expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
	});
	it('new seeds are 256-bit hex', () => {
		expect(newDrawSeed()).toMatch(/^[0-9a-f]{64}$/);
		expect(newDrawSeed()).not.toBe(newDrawSeed());
	});
});

describe('weights by tier and tenure', () => {
	const weights = { tiers: { '3': 3, '4': 5 }, tenurePerYear: 0.1, tenureCapYears: 5 };
	it('multiplies the tier weight by the tenure bonus, capped', () => {
		expect(entrantWeight({ rank: 1, memberSince: at }, weights, at)).toBe(1);
		expect(entrantWeight({ rank: 3, memberSince: at }, weights, at)).toBe(3);
		expect(
			entrantWeight({ rank: 4, memberSince: new Date(at.getTime() - 2.5 * year) }, weights, at)
		).toBeCloseTo(6);
		expect(tenureYears(new Date(at.getTime() - 20 * year), at, 5)).toBe(5);
	});
});

describe('the draw', () => {
	it('is reproducible from the seed, whatever order the entrants arrive in', () => {
		const people = entrants(40);
		const seed = newDrawSeed();
		const first = runWeightedDraw(people, 10, DEFAULT_DRAW_WEIGHTS, seed, at);
		const again = runWeightedDraw([...people].reverse(), 10, DEFAULT_DRAW_WEIGHTS, seed, at);
		expect(again.map((d) => d.memberId)).toEqual(first.map((d) => d.memberId));
		const other = runWeightedDraw(people, 10, DEFAULT_DRAW_WEIGHTS, `${seed}x`, at);
		expect(other.map((d) => d.memberId)).not.toEqual(first.map((d) => d.memberId));
	});

	it('gives seats along the drawn order, then a waitlist in order', () => {
		const people = entrants(6).map((e, i) => ({ ...e, seats: i % 2 === 0 ? 2 : 1 }));
		const drawn = runWeightedDraw(people, 5, DEFAULT_DRAW_WEIGHTS, 'seed', at);
		expect(drawn.map((d) => d.position)).toEqual([1, 2, 3, 4, 5, 6]);
		expect(drawn.reduce((n, d) => n + d.offered, 0)).toBe(5);
		// Once seats run out, everyone after is waitlisted.
		const firstWaiting = drawn.findIndex((d) => d.offered === 0);
		expect(drawn.slice(firstWaiting).every((d) => d.offered === 0)).toBe(true);
		expect(new Set(drawn.map((d) => d.memberId)).size).toBe(6);
	});

	it('is fair: equal weights win equally often; a weight of 3 wins about 3× as often when one seat is drawn', () => {
		const runs = 6000;
		const people = entrants(4);
		people[0] = { ...people[0], rank: 3 };
		const weights = { tiers: { '3': 3 }, tenurePerYear: 0, tenureCapYears: 0 };
		const wins = new Map<string, number>();
		for (let i = 0; i < runs; i++) {
			const [winner] = runWeightedDraw(people, 1, weights, `fair-${i}`, at);
			wins.set(winner.memberId, (wins.get(winner.memberId) ?? 0) + 1);
		}
		// Expected shares 3/6, 1/6, 1/6, 1/6. Chi-square with 3 degrees of freedom: 16.27 is p = 0.001.
		const expected = [3 / 6, 1 / 6, 1 / 6, 1 / 6].map((p) => p * runs);
		const observed = people.map((p) => wins.get(p.memberId) ?? 0);
		const chi = observed.reduce((s, o, i) => s + (o - expected[i]) ** 2 / expected[i], 0);
		expect(chi).toBeLessThan(16.27);
	});

	it('is fair across positions: with equal weights every entrant is first about equally often', () => {
		const runs = 5000;
		const people = entrants(5);
		const firsts = new Map<string, number>();
		for (let i = 0; i < runs; i++) {
			const [first] = runWeightedDraw(people, 2, DEFAULT_DRAW_WEIGHTS, `pos-${i}`, at);
			firsts.set(first.memberId, (firsts.get(first.memberId) ?? 0) + 1);
		}
		const expected = runs / 5;
		const chi = people.reduce((s, p) => s + ((firsts.get(p.memberId) ?? 0) - expected) ** 2 / expected, 0);
		expect(chi).toBeLessThan(18.47); // 4 degrees of freedom, p = 0.001
	});

	it('tenure tips the odds: a 5-year member with +10 %/year beats a new one about 1.5 : 1', () => {
		const runs = 6000;
		const old = { ...entrants(1)[0], memberSince: new Date(at.getTime() - 5.2 * year) };
		const young = { ...entrants(2)[1] };
		let oldWins = 0;
		for (let i = 0; i < runs; i++) {
			const [w] = runWeightedDraw([old, young], 1, DEFAULT_DRAW_WEIGHTS, `t-${i}`, at);
			if (w.memberId === old.memberId) oldWins++;
		}
		// P(old first) = 1.5 / 2.5 = 0.6; 4 standard deviations is about ±0.025.
		expect(oldWins / runs).toBeGreaterThan(0.575);
		expect(oldWins / runs).toBeLessThan(0.625);
	});
});
