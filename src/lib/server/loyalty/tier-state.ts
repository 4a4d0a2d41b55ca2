// How points become a tier, as a fold over a member's ledger. Pure: the same function runs
// incrementally on each ledger write and in the rebuild, so both give the same state.
//
// Rules (DESIGN.md "The tier ladder"):
// - the points that count are those of the last 12 months;
// - a tier reached by points is held for 12 months from the day it was reached, and reaching
//   (qualifying for) it again renews that hold;
// - when a hold ends, the member keeps the tier if their 12-month points still qualify (a new
//   hold starts), else falls to the tier those points qualify for, held for 12 months from then;
// - the member's tier is the higher of the earned tier and the paid tier.
import { rankForPoints, type Ladder } from './ladder';

/**
 * The thresholds in force over time, oldest first. Staff may change the ladder; history is judged
 * by the thresholds of its own moment, so a rebuild reproduces what members were told.
 */
export type Timeline = readonly { at: Date; ladder: Ladder }[];

export function timelineOf(ladder: Ladder): Timeline {
	return [{ at: new Date(0), ladder }];
}

export function ladderAt(timeline: Timeline, at: Date): Ladder {
	let current = timeline[0].ladder;
	for (const version of timeline) {
		if (version.at.getTime() <= at.getTime()) current = version.ladder;
		else break;
	}
	return current;
}

export const WINDOW_MONTHS = 12;

export function addMonths(date: Date, months: number): Date {
	const d = new Date(date.getTime());
	d.setUTCMonth(d.getUTCMonth() + months);
	return d;
}

/** Start of the points window for a moment: entries strictly after it count. */
export function windowStart(at: Date): Date {
	return addMonths(at, -WINDOW_MONTHS);
}

export interface EarnedState {
	rank: number;
	/** When the current earned rank was first reached (null on the first rung). */
	reachedAt: Date | null;
	/** The earned rank is kept at least until then (null on the first rung). */
	heldUntil: Date | null;
	/** The latest ledger moment folded in: later entries may be folded incrementally. */
	lastEventAt: Date | null;
}

export const INITIAL_STATE: EarnedState = { rank: 0, reachedAt: null, heldUntil: null, lastEventAt: null };

export interface PointEntry {
	occurredAt: Date;
	points: number;
}

/** 12-month points at `at`: entries in (at − 12 months, at]. */
export function windowPoints(entries: readonly PointEntry[], at: Date): number {
	const from = windowStart(at).getTime();
	const to = at.getTime();
	let sum = 0;
	for (const e of entries) {
		const t = e.occurredAt.getTime();
		if (t > from && t <= to) sum += e.points;
	}
	return sum;
}

/** Points at a moment, asked of whatever holds the entries (an array here, SQL in the database). */
export type PointsAt = (at: Date) => number;

/**
 * `windowPoints` over entries already in time order, by prefix sums and binary search: a replay
 * asks at every entry, and summing the window each time made a long history quadratic.
 */
export function windowPointsOf(sorted: readonly PointEntry[]): PointsAt {
	const times = sorted.map((e) => e.occurredAt.getTime());
	const prefix = new Array<number>(sorted.length + 1);
	prefix[0] = 0;
	for (let i = 0; i < sorted.length; i++) prefix[i + 1] = prefix[i] + sorted[i].points;
	// How many entries are at or before `t`.
	const upTo = (t: number) => {
		let lo = 0;
		let hi = times.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (times[mid] <= t) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
	return (at) => prefix[upTo(at.getTime())] - prefix[upTo(windowStart(at).getTime())];
}

/** `windowPointsOf` for entries in any order. */
export function pointsAtOver(entries: readonly PointEntry[]): PointsAt {
	return windowPointsOf(byTime(entries));
}

function byTime(entries: readonly PointEntry[]): PointEntry[] {
	return [...entries].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/** Applies every hold that ends at or before `until`. */
export function advance(
	state: EarnedState,
	until: Date,
	timeline: Timeline,
	pointsAt: PointsAt
): EarnedState {
	let s = state;
	while (s.heldUntil && s.heldUntil.getTime() <= until.getTime()) {
		const checkpoint = s.heldUntil;
		const ladder = ladderAt(timeline, checkpoint);
		const qualifying = Math.min(rankForPoints(ladder, pointsAt(checkpoint)), s.rank);
		const base = rankForPoints(ladder, 0);
		if (qualifying <= base) {
			s = { ...s, rank: base, reachedAt: null, heldUntil: null };
		} else {
			s = {
				...s,
				rank: qualifying,
				reachedAt: qualifying === s.rank ? s.reachedAt : checkpoint,
				heldUntil: addMonths(checkpoint, WINDOW_MONTHS)
			};
		}
	}
	return s;
}

/**
 * Folds one engagement moment in. `pointsNow` is the 12-month total at `at`, including it.
 * Entries must be folded in time order (the caller replays when one arrives late).
 */
export function foldEngagement(
	state: EarnedState,
	at: Date,
	pointsNow: number,
	timeline: Timeline,
	pointsAt: PointsAt
): EarnedState {
	const s = advance(state, at, timeline, pointsAt);
	const ladder = ladderAt(timeline, at);
	const qualifying = rankForPoints(ladder, pointsNow);
	const lastEventAt = s.lastEventAt && s.lastEventAt > at ? s.lastEventAt : at;
	if (qualifying > s.rank) {
		return { rank: qualifying, reachedAt: at, heldUntil: addMonths(at, WINDOW_MONTHS), lastEventAt };
	}
	if (qualifying === s.rank && qualifying > rankForPoints(ladder, 0)) {
		return { ...s, heldUntil: addMonths(at, WINDOW_MONTHS), lastEventAt }; // qualified again: hold renewed
	}
	return { ...s, lastEventAt };
}

/**
 * Staff changed the thresholds at `at`: members move up at once if the new ones let them, and
 * keep a held tier until its hold ends (no one loses a tier on the spot).
 */
export function reevaluate(
	state: EarnedState,
	at: Date,
	timeline: Timeline,
	pointsAt: PointsAt
): EarnedState {
	const s = advance(state, at, timeline, pointsAt);
	const qualifying = rankForPoints(ladderAt(timeline, at), pointsAt(at));
	const lastEventAt = s.lastEventAt && s.lastEventAt > at ? s.lastEventAt : at;
	if (qualifying > s.rank)
		return { rank: qualifying, reachedAt: at, heldUntil: addMonths(at, WINDOW_MONTHS), lastEventAt };
	return { ...s, lastEventAt };
}

/**
 * The whole history, in order: what a rebuild computes. Ladder changes after the member's first
 * entry are moments too (the re-evaluation staff triggered then).
 */
export function replay(entries: readonly PointEntry[], timeline: Timeline): EarnedState {
	const sorted = byTime(entries);
	if (sorted.length === 0) return INITIAL_STATE;
	const pointsAt = windowPointsOf(sorted);
	const first = sorted[0].occurredAt.getTime();
	const changes = timeline.slice(1).filter((v) => v.at.getTime() > first);
	let state = INITIAL_STATE;
	let c = 0;
	for (const { occurredAt } of sorted) {
		// A change and an entry at the same moment: the change first, as it happened before the write.
		while (c < changes.length && changes[c].at.getTime() <= occurredAt.getTime()) {
			state = reevaluate(state, changes[c++].at, timeline, pointsAt);
		}
		state = foldEngagement(state, occurredAt, pointsAt(occurredAt), timeline, pointsAt);
	}
	while (c < changes.length) state = reevaluate(state, changes[c++].at, timeline, pointsAt);
	return state;
}

export interface PaidState {
	rank: number;
	/** Access lasts until then (the period end, plus grace where it applies). */
	until: Date;
}

/** The member's tier: the higher of the earned tier (as of `now`) and an active paid tier. */
export function effectiveRank(
	earnedRank: number,
	paid: PaidState | null,
	now: Date
): { rank: number; route: 'earned' | 'paid' } {
	if (paid && paid.until.getTime() > now.getTime() && paid.rank > earnedRank)
		return { rank: paid.rank, route: 'paid' };
	return { rank: earnedRank, route: 'earned' };
}
