import { describe, expect, it } from 'vitest';
import {
	engagementOnDay,
	engagementRates,
	membersPerTierOnDay,
	tierOnDay
} from '$lib/server/insights/metrics';
import { changes, engagements, members } from './insights-history';

describe('members per tier at a date, from tier changes', () => {
	it('holds Listener before the first change and the last change of a day after', () => {
		const a = changes.filter((c) => c.memberId === 'A');
		expect(tierOnDay(a, '2026-01-14')).toBe(0);
		expect(tierOnDay(a, '2026-01-15')).toBe(1);
		expect(tierOnDay(a, '2026-04-10')).toBe(1);
		expect(tierOnDay(a, '2026-04-09')).toBe(2);
	});

	it('counts members signed up by the day, by tier', () => {
		expect(membersPerTierOnDay(members, changes, '2026-01-01')).toEqual(new Map([[0, 2]]));
		expect(membersPerTierOnDay(members, changes, '2026-03-01')).toEqual(
			new Map([
				[2, 1],
				[1, 2]
			])
		);
		expect(membersPerTierOnDay(members, changes, '2026-03-31')).toEqual(
			new Map([
				[2, 2],
				[0, 1],
				[3, 1]
			])
		);
	});
});

describe('engagement rate by tier', () => {
	it('counts members with an engagement in the 30 days ending on the day, not staff adjustments', () => {
		// Window 2 to 31 March: A's visit on the 2nd counts, C's vote on the 1st does not, B's adjustment is not engagement.
		const rows = engagementOnDay(members, changes, engagements, '2026-03-31');
		expect(engagementRates(rows)).toEqual([
			{ rank: 0, members: 1, engaged: 0, rate: 0 },
			{ rank: 2, members: 2, engaged: 1, rate: 0.5 },
			{ rank: 3, members: 1, engaged: 1, rate: 1 }
		]);
	});

	it('has no rate for an empty tier', () => {
		expect(engagementRates([{ rank: 4, members: 0, engaged: 0 }])[0].rate).toBeNull();
	});
});
