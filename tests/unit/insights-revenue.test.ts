import { describe, expect, it } from 'vitest';
import { classifyMrrChange, lifetimeValue, mrrMovement } from '$lib/server/insights/metrics';

describe('MRR and its movement', () => {
	it('classifies each change: new from 0, churn to 0, expansion up, contraction down', () => {
		expect(classifyMrrChange(0, 500)).toBe('new');
		expect(classifyMrrChange(500, 1500)).toBe('expansion');
		expect(classifyMrrChange(1500, 1250)).toBe('contraction');
		expect(classifyMrrChange(1250, 0)).toBe('churn');
		expect(classifyMrrChange(0, 0)).toBe('none');
	});

	it('sums a history of subscription events, and opening + movement = closing', () => {
		// Supporter monthly (5 €) → Patron (15 €) → a discount (12.50 €) → cancelled; a comp; a yearly Supporter.
		const history = [
			{ beforeMinor: 0, afterMinor: 500, count: 1 },
			{ beforeMinor: 500, afterMinor: 1500, count: 1 },
			{ beforeMinor: 1500, afterMinor: 1250, count: 1 },
			{ beforeMinor: 1250, afterMinor: 0, count: 1 },
			{ beforeMinor: 0, afterMinor: 0, count: 1 },
			{ beforeMinor: 0, afterMinor: 417, count: 1 }
		];
		const m = mrrMovement(history);
		expect(m).toEqual({ new: 917, expansion: 1000, contraction: 250, churn: 1250, net: 417 });
		expect(m.new + m.expansion - m.contraction - m.churn).toBe(m.net);
	});
});

describe('lifetime value by tier', () => {
	it('divides revenue by payers to date, and projects monthly revenue × 1 / monthly churn', () => {
		// 300 € from 4 payers; 3 paying 45 € a month now; 2 of 10 ended over one average month.
		const row = lifetimeValue({
			rank: 2,
			revenueMinor: 30000,
			payers: 4,
			mrrMinor: 4500,
			paying: 3,
			payingAtStart: 10,
			ended: 2,
			days: 30.4375
		});
		expect(row.toDateMinor).toBe(7500);
		expect(row.arpuMinor).toBe(1500);
		expect(row.monthlyChurn).toBeCloseTo(0.2, 12);
		expect(row.lifetimeMonths).toBeCloseTo(5, 10);
		expect(row.projectedMinor).toBe(7500);
	});

	it('projects nothing without churn or payers', () => {
		const row = lifetimeValue({
			rank: 3,
			revenueMinor: 0,
			payers: 0,
			mrrMinor: 5000,
			paying: 1,
			payingAtStart: 1,
			ended: 0,
			days: 90
		});
		expect(row).toMatchObject({
			toDateMinor: null,
			arpuMinor: 5000,
			monthlyChurn: 0,
			lifetimeMonths: null,
			projectedMinor: null
		});
	});
});
