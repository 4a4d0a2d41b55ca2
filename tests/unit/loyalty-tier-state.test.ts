import { describe, expect, it } from 'vitest';
import { ladderProblems, rankForPoints, type Ladder } from '$lib/server/loyalty/ladder';
import {
	addMonths,
	advance,
	effectiveRank,
	foldEngagement,
	INITIAL_STATE,
	ladderAt,
	reevaluate,
	replay,
	timelineOf,
	windowPoints,
	type PointEntry
} from '$lib/server/loyalty/tier-state';

// The default ladder from DESIGN.md.
const LADDER: Ladder = [
	{ rank: 0, name: 'Listener', pointsThreshold: 0, purchasable: false },
	{ rank: 1, name: 'Fan', pointsThreshold: 200, purchasable: false },
	{ rank: 2, name: 'Insider', pointsThreshold: 1000, purchasable: true, paidName: 'Supporter' },
	{ rank: 3, name: 'Patron', pointsThreshold: null, purchasable: true },
	{ rank: 4, name: 'Inner Circle', pointsThreshold: 5000, purchasable: true }
];
const TIMELINE = timelineOf(LADDER);

const d = (iso: string) => new Date(iso);
const e = (iso: string, points: number): PointEntry => ({ occurredAt: d(iso), points });

describe('rankForPoints', () => {
	it('gives the highest earnable rank the points reach, skipping paid-only tiers', () => {
		expect(rankForPoints(LADDER, 0)).toBe(0);
		expect(rankForPoints(LADDER, 199)).toBe(0);
		expect(rankForPoints(LADDER, 200)).toBe(1);
		expect(rankForPoints(LADDER, 4999)).toBe(2);
		expect(rankForPoints(LADDER, 5000)).toBe(4);
	});
});

describe('ladderProblems', () => {
	it('accepts the default ladder', () => {
		expect(ladderProblems(LADDER)).toEqual([]);
	});
	it('refuses duplicate ranks, falling thresholds and a paid first rung', () => {
		const bad: Ladder = [
			{ rank: 0, name: 'A', pointsThreshold: 10, purchasable: false },
			{ rank: 1, name: 'B', pointsThreshold: 300, purchasable: false },
			{ rank: 1, name: 'C', pointsThreshold: 200, purchasable: false }
		];
		const problems = ladderProblems(bad);
		expect(problems).toContain('Two tiers share rank 1.');
		expect(problems).toContain('A is the first rung: it must start at 0 points.');
		expect(problems.some((p) => p.startsWith('C needs more points than B'))).toBe(true);
	});
});

describe('the 12-month window', () => {
	it('counts entries in (at − 12 months, at]', () => {
		const entries = [
			e('2025-05-14T10:00:00Z', 100),
			e('2025-05-15T10:00:00Z', 50),
			e('2026-05-14T10:00:00Z', 7)
		];
		expect(windowPoints(entries, d('2026-05-14T10:00:00Z'))).toBe(57); // the first is exactly 12 months old: out
		expect(windowPoints(entries, d('2026-05-14T09:59:59Z'))).toBe(150);
	});
});

describe('earned tier with a 12-month hold', () => {
	const entries = [e('2026-01-10T12:00:00Z', 150), e('2026-03-01T12:00:00Z', 60)];

	it('reaches Fan on the day the points pass 200 and holds it for 12 months', () => {
		const state = replay(entries, TIMELINE);
		expect(state.rank).toBe(1);
		expect(state.reachedAt).toEqual(d('2026-03-01T12:00:00Z'));
		expect(state.heldUntil).toEqual(d('2027-03-01T12:00:00Z'));
	});

	it('keeps the tier while held even after points leave the window', () => {
		const state = replay(entries, TIMELINE);
		const pointsAt = (t: Date) => windowPoints(entries, t);
		// 2027-02: the January points have expired (60 left), but the hold runs to March.
		expect(pointsAt(d('2027-02-01T00:00:00Z'))).toBe(60);
		expect(advance(state, d('2027-02-01T00:00:00Z'), TIMELINE, pointsAt).rank).toBe(1);
		// At the end of the hold the points no longer qualify: back to Listener.
		expect(advance(state, d('2027-03-01T12:00:00Z'), TIMELINE, pointsAt).rank).toBe(0);
	});

	it('renews the hold when the member qualifies again', () => {
		const more = [...entries, e('2026-09-01T12:00:00Z', 5)];
		const state = replay(more, TIMELINE);
		expect(state.rank).toBe(1);
		expect(state.reachedAt).toEqual(d('2026-03-01T12:00:00Z'));
		expect(state.heldUntil).toEqual(d('2027-09-01T12:00:00Z'));
	});

	it('falls back to the tier the points still qualify for, with a fresh hold', () => {
		// Insider reached on 1 June 2026; the February 2027 visit no longer qualifies (the January
		// points expired), so at the end of the hold only 300 points count: Fan from then on.
		const history = [
			e('2026-01-01T00:00:00Z', 800),
			e('2026-06-01T00:00:00Z', 200),
			e('2027-02-01T00:00:00Z', 300)
		];
		const state = replay(history, TIMELINE);
		expect(state).toMatchObject({ rank: 2, heldUntil: d('2027-06-01T00:00:00Z') });
		const after = advance(state, d('2027-06-02T00:00:00Z'), TIMELINE, (t) => windowPoints(history, t));
		expect(after).toMatchObject({
			rank: 1,
			reachedAt: d('2027-06-01T00:00:00Z'),
			heldUntil: d('2028-06-01T00:00:00Z')
		});
	});

	it('does not move down on a negative adjustment while held', () => {
		const history = [e('2026-06-01T00:00:00Z', 1000), e('2026-06-02T00:00:00Z', -900)];
		expect(replay(history, TIMELINE).rank).toBe(2);
	});

	it('folding in order equals replaying the whole history', () => {
		const history = [
			e('2025-01-01T00:00:00Z', 120),
			e('2025-02-01T00:00:00Z', 120),
			e('2025-08-01T00:00:00Z', 900),
			e('2026-09-01T00:00:00Z', 30),
			e('2027-01-01T00:00:00Z', 4000),
			e('2027-02-01T00:00:00Z', 1200)
		];
		let state = INITIAL_STATE;
		for (let i = 0; i < history.length; i++) {
			const seen = history.slice(0, i + 1);
			const pointsAt = (t: Date) => windowPoints(seen, t);
			state = foldEngagement(
				state,
				history[i].occurredAt,
				pointsAt(history[i].occurredAt),
				TIMELINE,
				pointsAt
			);
		}
		expect(state).toEqual(replay(history, TIMELINE));
		expect(state.rank).toBe(4);
	});
});

describe('effectiveRank: the higher of earned and paid', () => {
	const now = d('2026-05-01T00:00:00Z');
	it('takes an active paid tier above the earned one', () => {
		expect(effectiveRank(1, { rank: 3, until: addMonths(now, 1) }, now)).toEqual({ rank: 3, route: 'paid' });
	});
	it('keeps the earned tier when it is higher or the paid one has ended', () => {
		expect(effectiveRank(4, { rank: 3, until: addMonths(now, 1) }, now)).toEqual({
			rank: 4,
			route: 'earned'
		});
		expect(effectiveRank(1, { rank: 3, until: now }, now)).toEqual({ rank: 1, route: 'earned' });
	});
});

describe('staff change the thresholds', () => {
	const raised = LADDER.map((t) => (t.rank === 1 ? { ...t, pointsThreshold: 400 } : t));
	const lowered = LADDER.map((t) => (t.rank === 2 ? { ...t, pointsThreshold: 600 } : t));
	const history = [e('2026-01-10T12:00:00Z', 250), e('2026-02-10T12:00:00Z', 400)];
	const pointsAt = (t: Date) => windowPoints(history, t);

	it('a raised threshold keeps a held tier until its hold ends', () => {
		const timeline = [...TIMELINE, { at: d('2026-03-01T00:00:00Z'), ladder: raised }];
		const only = [history[0]];
		const state = replay(only, timeline);
		expect(state).toMatchObject({ rank: 1, heldUntil: d('2027-01-10T12:00:00Z') });
		const onlyAt = (t: Date) => windowPoints(only, t);
		// 250 points are below the new 400, but Fan stays held until the hold ends...
		expect(advance(state, d('2026-12-31T00:00:00Z'), timeline, onlyAt).rank).toBe(1);
		// ...and then goes, since no points count any more.
		expect(advance(state, d('2027-01-10T12:00:00Z'), timeline, onlyAt).rank).toBe(0);
	});

	it('a lowered threshold lifts members at once, and a replay agrees with the re-evaluation', () => {
		const change = d('2026-03-01T00:00:00Z');
		const timeline = [...TIMELINE, { at: change, ladder: lowered }];
		const before = replay(history, TIMELINE);
		expect(before.rank).toBe(1);
		const now = reevaluate(before, change, timeline, pointsAt);
		expect(now).toMatchObject({ rank: 2, reachedAt: change, heldUntil: d('2027-03-01T00:00:00Z') });
		expect(replay(history, timeline)).toEqual(now);
	});

	it('judges history by the thresholds of its own moment', () => {
		// 650 points before the cut do not make Insider retroactively; the change does, at its moment.
		const change = d('2026-03-01T00:00:00Z');
		const state = replay(history, [...TIMELINE, { at: change, ladder: lowered }]);
		expect(state.reachedAt).toEqual(change);
		expect(ladderAt([...TIMELINE, { at: change, ladder: lowered }], d('2026-02-28T00:00:00Z'))).toBe(LADDER);
	});
});
