import { describe, expect, it } from 'vitest';
import {
	accessOf,
	classifyChange,
	monthlyAmount,
	mrrOf,
	paidGrantOf,
	RENEWAL_LEEWAY_MS,
	wholeUnits,
	type SubscriptionState
} from '$lib/server/patronage/access';

const now = new Date('2026-11-27T10:00:00Z');
const periodEnd = new Date('2026-12-27T10:00:00Z');
const day = 86_400_000;

const state = (over: Partial<SubscriptionState> = {}): SubscriptionState => ({
	status: 'active',
	tierRank: 3,
	currentPeriodEnd: periodEnd,
	cancelAtPeriodEnd: false,
	cancelAt: null,
	pastDueSince: null,
	disputedAt: null,
	...over
});

describe('access by status', () => {
	it.each(['active', 'trialing'])('%s grants until the period end plus the renewal leeway', (status) => {
		expect(accessOf(state({ status }), 7, now)).toEqual({
			grants: true,
			until: new Date(periodEnd.getTime() + RENEWAL_LEEWAY_MS),
			reason: 'active'
		});
	});

	it.each(['incomplete', 'incomplete_expired', 'unpaid', 'canceled', 'paused'])(
		'%s does not grant',
		(status) => {
			expect(accessOf(state({ status }), 7, now).grants).toBe(false);
		}
	);

	it('past_due grants for the grace period from when it was first seen', () => {
		const since = new Date(now.getTime() - 2 * day);
		expect(accessOf(state({ status: 'past_due', pastDueSince: since }), 7, now)).toEqual({
			grants: true,
			until: new Date(since.getTime() + 7 * day),
			reason: 'grace'
		});
		const longAgo = new Date(now.getTime() - 8 * day);
		expect(accessOf(state({ status: 'past_due', pastDueSince: longAgo }), 7, now)).toEqual({
			grants: false,
			reason: 'grace_over'
		});
		// A grace period of 3 days, configured
		expect(accessOf(state({ status: 'past_due', pastDueSince: since }), 3, now).grants).toBe(true);
		expect(accessOf(state({ status: 'past_due', pastDueSince: since }), 2, now).grants).toBe(false);
	});

	it('a cancellation at period end stops access exactly at the period end', () => {
		expect(accessOf(state({ cancelAtPeriodEnd: true }), 7, now)).toEqual({
			grants: true,
			until: periodEnd,
			reason: 'active'
		});
		expect(accessOf(state({ cancelAtPeriodEnd: true }), 7, new Date(periodEnd.getTime() + 1)).grants).toBe(
			false
		);
	});

	it('a dispute or a price that is not ours grants nothing', () => {
		expect(accessOf(state({ disputedAt: now }), 7, now)).toEqual({ grants: false, reason: 'disputed' });
		expect(accessOf(state({ tierRank: null }), 7, now)).toEqual({ grants: false, reason: 'no_tier' });
	});
});

describe('recurring revenue', () => {
	it('normalises yearly prices to a month and counts paying subscriptions only', () => {
		expect(monthlyAmount(1500, 'month')).toBe(1500);
		expect(monthlyAmount(15000, 'year')).toBe(1250);
		expect(monthlyAmount(5000, 'year')).toBe(417);
		const paying = { ...state(), amountMinor: 15000, interval: 'year' as const };
		expect(mrrOf(paying, 7, now)).toBe(1250);
		expect(mrrOf({ ...paying, status: 'trialing' }, 7, now)).toBe(0);
		expect(mrrOf({ ...paying, status: 'canceled' }, 7, now)).toBe(0);
		expect(mrrOf({ ...paying, status: 'past_due', pastDueSince: now }, 7, now)).toBe(1250);
	});

	it('points come from whole euros', () => {
		expect(wholeUnits(1500)).toBe(15);
		expect(wholeUnits(499)).toBe(4);
		expect(wholeUnits(-100)).toBe(0);
	});
});

describe('paid grants', () => {
	it('takes the highest grant, never a sum', () => {
		const a = { rank: 2, until: new Date('2027-01-01') };
		const b = { rank: 3, until: new Date('2026-12-01') };
		const c = { rank: 3, until: new Date('2026-12-20') };
		expect(paidGrantOf([a, b, c])).toEqual(c);
		expect(paidGrantOf([])).toBeNull();
	});
});

describe('classifying changes', () => {
	const side = (rank: number | null, mrr: number, status = 'active', cancelAtPeriodEnd = false) => ({
		rank,
		mrr,
		status,
		cancelAtPeriodEnd
	});
	it('names each change, and none when nothing changed', () => {
		expect(classifyChange(null, side(3, 1500))).toBe('started');
		expect(classifyChange(side(2, 500), side(3, 1500))).toBe('upgraded');
		expect(classifyChange(side(3, 1500), side(2, 500))).toBe('downgraded');
		expect(classifyChange(side(3, 1500), side(null, 0, 'canceled'))).toBe('ended');
		expect(classifyChange(side(3, 1500), side(3, 1500, 'past_due'))).toBe('past_due');
		expect(classifyChange(side(3, 1500, 'past_due'), side(3, 1500))).toBe('recovered');
		expect(classifyChange(side(3, 1500), side(3, 1500, 'active', true))).toBe('cancel_scheduled');
		expect(classifyChange(side(3, 1500, 'active', true), side(3, 1500))).toBe('cancel_withdrawn');
		expect(classifyChange(side(3, 1500), side(3, 1250))).toBe('plan_changed');
		expect(classifyChange(side(3, 1500), side(3, 1500))).toBeNull();
		expect(classifyChange(null, side(null, 0, 'incomplete'))).toBeNull();
	});
});
