// The weighted draw, pure and reproducible: the same seed and the same entrants always give the
// same order. Randomness is an HMAC-SHA256 counter stream keyed by the recorded seed; the order is
// Efraimidis–Spirakis weighted sampling without replacement (key = u^(1/w), highest keys first).
import { createHmac, randomBytes } from 'node:crypto';
import type { DrawWeights } from '../db/schema/tickets';

export const DEFAULT_DRAW_WEIGHTS: DrawWeights = { tiers: {}, tenurePerYear: 0.1, tenureCapYears: 5 };

export interface DrawEntrant {
	id: number;
	memberId: string;
	seats: number;
	rank: number;
	memberSince: Date;
}

export interface DrawnEntrant extends DrawEntrant {
	weight: number;
	/** 1-based position in the drawn order. */
	position: number;
	/** Seats offered at the draw; 0 puts the entrant on the waitlist. */
	offered: number;
}

/** 256 bits, hex: recorded with the draw so anyone can replay it. */
export function newDrawSeed(): string {
	return randomBytes(32).toString('hex');
}

/** Uniform numbers in (0, 1) from the seed: block i is HMAC-SHA256(seed, i), 52 bits per number. */
export function seededUniforms(seed: string): () => number {
	let counter = 0;
	return () => {
		const block = createHmac('sha256', seed).update(`u:${counter++}`).digest();
		// 52 random bits in a double; +0.5 keeps it strictly inside (0, 1), so ln(u) is finite.
		const high = block.readUInt32BE(0) >>> 12; // 20 bits
		const low = block.readUInt32BE(4); // 32 bits
		return (high * 2 ** 32 + low + 0.5) / 2 ** 52;
	};
}

const MS_PER_YEAR = 365.25 * 24 * 60 * 60 * 1000;

/** Whole years of membership at the draw, capped. */
export function tenureYears(memberSince: Date, at: Date, capYears: number): number {
	const years = Math.floor((at.getTime() - memberSince.getTime()) / MS_PER_YEAR);
	return Math.max(0, Math.min(capYears, years));
}

/** tier weight × (1 + bonus per year × years), never below a small positive floor. */
export function entrantWeight(
	entrant: Pick<DrawEntrant, 'rank' | 'memberSince'>,
	weights: DrawWeights,
	at: Date
): number {
	const tier = weights.tiers[String(entrant.rank)] ?? 1;
	const tenure = 1 + weights.tenurePerYear * tenureYears(entrant.memberSince, at, weights.tenureCapYears);
	return Math.max(1e-6, tier * tenure);
}

/**
 * The whole drawn order, then seats handed out along it: each entrant gets what they asked for
 * while seats last (the last winner may get fewer); everyone after is on the waitlist in order.
 */
export function runWeightedDraw(
	entrants: readonly DrawEntrant[],
	seats: number,
	weights: DrawWeights,
	seed: string,
	at: Date
): DrawnEntrant[] {
	// Entrants in a fixed order before drawing, so the database's row order never matters.
	const sorted = [...entrants].sort((a, b) =>
		a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0
	);
	const next = seededUniforms(seed);
	const keyed = sorted.map((e) => {
		const weight = entrantWeight(e, weights, at);
		// ln(u)/w orders exactly like u^(1/w) and keeps precision for large weights.
		return { e, weight, key: Math.log(next()) / weight };
	});
	keyed.sort((a, b) => b.key - a.key || (a.e.memberId < b.e.memberId ? -1 : 1));
	let left = seats;
	return keyed.map(({ e, weight }, i) => {
		const offered = Math.max(0, Math.min(e.seats, left));
		left -= offered;
		return { ...e, weight, position: i + 1, offered };
	});
}
