// What a subscription's state means for the member: access, until when, and its recurring
// revenue. Pure: the webhook handler, the billing page and the due work all ask these functions.
import type { BillingInterval } from '../db/schema/patronage';

export const GRANTING = ['active', 'trialing'] as const;
export const DENYING = ['incomplete', 'incomplete_expired', 'unpaid', 'canceled', 'paused'] as const;
/** Stripe never brings a subscription back from these. */
export const TERMINAL = ['canceled', 'incomplete_expired'] as const;

const DAY_MS = 86_400_000;
/**
 * An active subscription is renewed by Stripe at period end and the webhook that says so may be
 * late: access runs a day past the period so a paying fan is never locked out in between.
 */
export const RENEWAL_LEEWAY_MS = DAY_MS;

export interface SubscriptionState {
	status: string;
	tierRank: number | null;
	currentPeriodEnd: Date | null;
	cancelAtPeriodEnd: boolean;
	cancelAt: Date | null;
	pastDueSince: Date | null;
	disputedAt: Date | null;
}

export type Access =
	| { grants: true; until: Date; reason: 'active' | 'grace' }
	| { grants: false; reason: 'status' | 'grace_over' | 'disputed' | 'no_tier' };

export function isTerminal(status: string): boolean {
	return (TERMINAL as readonly string[]).includes(status);
}

/** Access by status: active/trialing grant; past_due grants for the grace period; the rest do not. */
export function accessOf(s: SubscriptionState, graceDays: number, now: Date): Access {
	if (s.tierRank === null) return { grants: false, reason: 'no_tier' };
	if (s.disputedAt) return { grants: false, reason: 'disputed' };
	if ((GRANTING as readonly string[]).includes(s.status)) {
		const end = s.currentPeriodEnd ?? now;
		const ending = s.cancelAtPeriodEnd || (s.cancelAt !== null && s.cancelAt.getTime() <= end.getTime());
		// Nothing renews a subscription set to end: access stops exactly when it does.
		const until = ending ? (s.cancelAt ?? end) : new Date(end.getTime() + RENEWAL_LEEWAY_MS);
		if (until.getTime() <= now.getTime()) return { grants: false, reason: 'status' };
		return { grants: true, until, reason: 'active' };
	}
	if (s.status === 'past_due') {
		const until = graceEnd(s.pastDueSince ?? now, graceDays);
		if (until.getTime() <= now.getTime()) return { grants: false, reason: 'grace_over' };
		return { grants: true, until, reason: 'grace' };
	}
	return { grants: false, reason: 'status' };
}

export function graceEnd(pastDueSince: Date, graceDays: number): Date {
	return new Date(pastDueSince.getTime() + graceDays * DAY_MS);
}

/** Monthly recurring revenue in minor units: yearly ÷ 12, rounded to the nearest cent. */
export function monthlyAmount(amountMinor: number, interval: BillingInterval | null): number {
	if (!interval) return 0;
	return interval === 'year' ? Math.round(amountMinor / 12) : amountMinor;
}

/**
 * What a subscription counts for MRR: paying ones only (active, or past_due within grace, where
 * Stripe is still collecting). Trials have not paid yet; a scheduled cancellation still pays.
 */
export function mrrOf(
	s: SubscriptionState & { amountMinor: number; interval: BillingInterval | null },
	graceDays: number,
	now: Date
): number {
	if (s.status === 'trialing') return 0;
	return accessOf(s, graceDays, now).grants ? monthlyAmount(s.amountMinor, s.interval) : 0;
}

export interface PaidGrant {
	rank: number;
	until: Date;
}

/**
 * The member's paid rank from everything that grants one (subscriptions and comps): the highest,
 * never a sum, so a comp and a subscription never double-count. Among equal ranks the longest wins.
 */
export function paidGrantOf(grants: readonly PaidGrant[]): PaidGrant | null {
	let best: PaidGrant | null = null;
	for (const g of grants) {
		if (!best || g.rank > best.rank || (g.rank === best.rank && g.until > best.until)) best = g;
	}
	return best;
}

export type ChangeKind =
	| 'started'
	| 'upgraded'
	| 'downgraded'
	| 'cancel_scheduled'
	| 'cancel_withdrawn'
	| 'past_due'
	| 'recovered'
	| 'ended'
	| 'plan_changed';

export interface ChangeSide {
	/** The tier the subscription grants now (null when it grants none). */
	rank: number | null;
	mrr: number;
	status: string;
	cancelAtPeriodEnd: boolean;
}

/** The change worth a subscription-events row between two reads, or null when nothing changed. */
export function classifyChange(before: ChangeSide | null, after: ChangeSide): ChangeKind | null {
	const was = before?.rank ?? null;
	const is = after.rank;
	if (was === null && is !== null) return 'started';
	if (was !== null && is === null) return 'ended';
	if (was !== null && is !== null && is > was) return 'upgraded';
	if (was !== null && is !== null && is < was) return 'downgraded';
	if (!before) return null;
	if (before.status !== 'past_due' && after.status === 'past_due') return 'past_due';
	if (before.status === 'past_due' && after.status === 'active') return 'recovered';
	if (!before.cancelAtPeriodEnd && after.cancelAtPeriodEnd) return 'cancel_scheduled';
	if (before.cancelAtPeriodEnd && !after.cancelAtPeriodEnd) return 'cancel_withdrawn';
	// Same tier, another price (monthly ↔ yearly, a new amount): the MRR delta says by how much.
	if (before.mrr !== after.mrr) return 'plan_changed';
	return null;
}

/** Whole currency units for patronage points (1 point per euro): 4.99 € earns 4. */
export function wholeUnits(amountMinor: number): number {
	return Math.max(0, Math.floor(amountMinor / 100));
}
