import { describe, expect, it } from 'vitest';
import { award, dayKey, DEFAULT_RULES, limitText, type EarningRule } from '$lib/server/loyalty/earning';
import { computeProgress, firstExpiry } from '$lib/server/loyalty/progress';
import type { Ladder } from '$lib/server/loyalty/ladder';
import { INITIAL_STATE, replay, timelineOf, type PointEntry } from '$lib/server/loyalty/tier-state';

const rule = (kind: string): EarningRule => DEFAULT_RULES.find((r) => r.kind === kind)!;

describe('earning caps', () => {
	it('gives a daily visit once a day', () => {
		expect(award(rule('daily_visit'), { today: 0, forObject: 0 }, false)).toEqual({
			points: 5,
			cappedReason: null
		});
		expect(award(rule('daily_visit'), { today: 1, forObject: 0 }, false)).toEqual({
			points: 0,
			cappedReason: 'Daily limit reached (1 a day).'
		});
	});
	it('gives a drop once per drop and at most 10 a day', () => {
		expect(award(rule('drop_opened'), { today: 3, forObject: 1 }, true).cappedReason).toBe(
			'Already counted once for this.'
		);
		expect(award(rule('drop_opened'), { today: 10, forObject: 0 }, true).points).toBe(0);
		expect(award(rule('drop_opened'), { today: 9, forObject: 0 }, true).points).toBe(2);
	});
	it('pays patronage per whole euro', () => {
		expect(award(rule('patronage'), { today: 0, forObject: 0 }, true, 15).points).toBe(15);
		expect(award(rule('patronage'), { today: 0, forObject: 0 }, true, 4.99).points).toBe(4);
	});
	it('records a switched-off rule with 0 points and says why', () => {
		expect(award({ ...rule('poll_vote'), active: false }, { today: 0, forObject: 0 }, true)).toEqual({
			points: 0,
			cappedReason: 'Voted in a poll does not earn points at the moment.'
		});
	});
	it('says each cap in plain words for the How tiers work page', () => {
		expect(limitText(rule('drop_opened'))).toBe('once per drop, up to 10 a day');
		expect(limitText(rule('daily_visit'))).toBe('once a day');
		expect(limitText(rule('poll_vote'))).toBe('once per poll');
		expect(limitText(rule('patronage'))).toBe('');
		expect(limitText({ ...rule('drop_opened'), perObject: 3, perDay: null })).toBe('up to 3 times per drop');
	});

	it('counts days in the house time zone', () => {
		const lateEvening = new Date('2026-05-14T22:30:00Z'); // 00:30 on 15 May in Brussels (CEST)
		expect(dayKey(lateEvening, 'Europe/Brussels')).toBe('2026-05-15');
		expect(dayKey(lateEvening, 'UTC')).toBe('2026-05-14');
	});
});

const LADDER: Ladder = [
	{ rank: 0, name: 'Listener', pointsThreshold: 0, purchasable: false },
	{ rank: 1, name: 'Fan', pointsThreshold: 200, purchasable: false },
	{ rank: 2, name: 'Insider', pointsThreshold: 1000, purchasable: true, paidName: 'Supporter' },
	{ rank: 3, name: 'Patron', pointsThreshold: null, purchasable: true },
	{ rank: 4, name: 'Inner Circle', pointsThreshold: 5000, purchasable: true }
];
const TIMELINE = timelineOf(LADDER);

describe('progress', () => {
	const now = new Date('2026-11-27T12:00:00Z');
	const entries: PointEntry[] = [
		{ occurredAt: new Date('2026-05-14T09:00:00Z'), points: 400 },
		{ occurredAt: new Date('2026-08-01T09:00:00Z'), points: 250 }
	];

	it('names the points still needed, the date by which to earn them, and the paid shortcut', () => {
		const state = replay(entries, TIMELINE);
		const p = computeProgress(LADDER, state, null, entries, now);
		expect(p.rank).toBe(1);
		expect(p.points).toBe(650);
		expect(p.next?.tier.name).toBe('Insider');
		expect(p.next?.pointsNeeded).toBe(350);
		// After 14 May 2027 the May points expire, so the 350 must come before then.
		expect(p.next?.byDate).toEqual(new Date('2027-05-14T09:00:00Z'));
		expect(p.next?.buy?.name).toBe('Insider');
		expect(p.next?.fraction).toBeCloseTo(450 / 800);
	});

	it('explains when an earned tier lapses and whether the points will keep it', () => {
		const state = replay(entries, TIMELINE);
		const p = computeProgress(LADDER, state, null, entries, now);
		// Fan was reached on 14 May 2026 (400 ≥ 200); renewed on 1 August: held to 1 August 2027.
		expect(p.lapse).toEqual({
			at: new Date('2027-08-01T09:00:00Z'),
			kind: 'hold-ends-needs-points',
			pointsToKeep: 200,
			pointsCountingThen: 0
		});
	});

	it('shows the paid route when it is higher, with the period end as the lapse date', () => {
		const until = new Date('2026-12-27T12:00:00Z');
		const p = computeProgress(LADDER, INITIAL_STATE, { rank: 3, until }, [], now);
		expect(p).toMatchObject({ rank: 3, route: 'paid', lapse: { at: until, kind: 'paid-period-ends' } });
		expect(p.next?.tier.name).toBe('Inner Circle');
		expect(p.next?.pointsNeeded).toBe(5000);
		expect(p.next?.byDate).toBeNull(); // no points yet: nothing is about to expire
	});

	it('finds the first expiry among counting entries only', () => {
		expect(firstExpiry(entries, now)).toEqual(new Date('2027-05-14T09:00:00Z'));
		expect(firstExpiry([], now)).toBeNull();
	});
});
