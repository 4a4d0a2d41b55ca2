import { describe, expect, it } from 'vitest';
import {
	churnByTier,
	churnFacts,
	cohortFacts,
	cohortTable,
	conversionByTier,
	conversionFacts,
	eachMonth,
	monthlyRate
} from '$lib/server/insights/metrics';
import { changes, members } from './insights-history';

describe('conversion between tiers, by route', () => {
	it('counts members at k at the start who moved above k, by the route of that move', () => {
		// Period February and March: A starts at Fan, B at Listener, C and D sign up within it.
		const facts = conversionFacts(members, changes, '2026-02-01', '2026-04-01');
		const rows = conversionByTier(facts, [0, 1, 2, 3]);
		expect(rows).toEqual([
			{
				fromRank: 0,
				cohort: 3,
				earned: 2,
				paid: 1,
				other: 0,
				converted: 3,
				rate: 1,
				earnedRate: 2 / 3,
				paidRate: 1 / 3
			},
			{
				fromRank: 1,
				cohort: 1,
				earned: 0,
				paid: 1,
				other: 0,
				converted: 1,
				rate: 1,
				earnedRate: 0,
				paidRate: 1
			},
			{
				fromRank: 2,
				cohort: 0,
				earned: 0,
				paid: 0,
				other: 0,
				converted: 0,
				rate: null,
				earnedRate: null,
				paidRate: null
			}
		]);
	});

	it('folds grouped facts the same as one per member', () => {
		const grouped = conversionByTier(
			[
				{ startRank: 0, upRoute: 'earned', count: 2 },
				{ startRank: 0, upRoute: null, count: 2 }
			],
			[0, 1]
		);
		expect(grouped[0]).toMatchObject({ cohort: 4, earned: 2, rate: 0.5 });
	});
});

describe('churn by tier', () => {
	it('counts members at k at the start who fell below k within the period', () => {
		// March and April: A at Insider falls to Fan, B at Fan moves up, C at Fan falls back; D joins later.
		const facts = churnFacts(members, changes, '2026-03-01', '2026-05-01');
		const rows = churnByTier(facts, [0, 1, 2, 3], 61);
		expect(rows.map(({ rank, cohort, left, rate }) => ({ rank, cohort, left, rate }))).toEqual([
			{ rank: 1, cohort: 2, left: 1, rate: 0.5 },
			{ rank: 2, cohort: 1, left: 1, rate: 1 },
			{ rank: 3, cohort: 0, left: 0, rate: null }
		]);
		expect(rows[0].monthly).toBeCloseTo(1 - Math.pow(0.5, 30.4375 / 61), 10);
		expect(rows[1].monthly).toBe(1);
	});

	it('turns a period rate into the monthly rate that compounds to it', () => {
		expect(monthlyRate(0.2, 30.4375)).toBeCloseTo(0.2, 12);
		expect(monthlyRate(1 - 0.9 * 0.9, 2 * 30.4375)).toBeCloseTo(0.1, 12);
		expect(monthlyRate(0, 90)).toBe(0);
	});

	it('builds monthly cohorts: entries into a tier and the share still holding it month by month', () => {
		const months = eachMonth('2026-01-01', '2026-05-01');
		expect(months).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
		const table = cohortTable(cohortFacts(members, changes, '2026-01-01', '2026-05-01'), months);
		expect(table).toEqual([
			{ rank: 1, cohort: '2026-01', entered: 1, retained: [1, 1, 1, 1] },
			{ rank: 1, cohort: '2026-02', entered: 2, retained: [1, 0.5, 0.5] },
			{ rank: 2, cohort: '2026-02', entered: 1, retained: [1, 1, 0] },
			{ rank: 2, cohort: '2026-03', entered: 1, retained: [1, 1] },
			{ rank: 3, cohort: '2026-03', entered: 1, retained: [1, 1] }
		]);
	});
});
