// What the billing page shows: the member's plan as the webhooks last recorded it. Read-only.
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Queryable } from '../db';
import { patronComps, patronSubscriptions, tiers } from '../db/schema';
import { accessOf, graceEnd } from './access';

export interface BillingPlan {
	subscriptionId: string;
	tierName: string | null;
	tierRank: number | null;
	interval: 'month' | 'year' | null;
	amountMinor: number;
	currency: string;
	status: string;
	grants: boolean;
	/** The next charge, unless the plan ends then. */
	nextPaymentAt: string | null;
	/** Set when the plan is cancelled: access ends then. */
	endsAt: string | null;
	/** past_due: the card must be updated by then to keep the tier. */
	graceEndsAt: string | null;
	endedAt: string | null;
}

export interface BillingSummary {
	plan: BillingPlan | null;
	comps: { tierName: string; endsAt: string; reason: string }[];
}

export async function getBillingSummary(
	db: Queryable,
	memberId: string,
	graceDays: number,
	now = new Date()
): Promise<BillingSummary> {
	const [subs, comps, ladder] = await Promise.all([
		db
			.select()
			.from(patronSubscriptions)
			.where(eq(patronSubscriptions.memberId, memberId))
			.orderBy(desc(patronSubscriptions.updatedAt)),
		db
			.select()
			.from(patronComps)
			.where(
				and(eq(patronComps.memberId, memberId), isNull(patronComps.revokedAt), gt(patronComps.endsAt, now))
			),
		db.select({ rank: tiers.rank, name: tiers.name }).from(tiers)
	]);
	const nameOf = (rank: number | null) => ladder.find((t) => t.rank === rank)?.name ?? null;
	// The plan that matters: one that grants access, else the most recent.
	const sub = subs.find((s) => accessOf(s, graceDays, now).grants) ?? subs[0];
	let plan: BillingPlan | null = null;
	if (sub) {
		const access = accessOf(sub, graceDays, now);
		const ending = sub.cancelAtPeriodEnd || sub.cancelAt !== null;
		const live = access.grants;
		plan = {
			subscriptionId: sub.id,
			tierName: nameOf(sub.tierRank),
			tierRank: sub.tierRank,
			interval: sub.interval,
			amountMinor: sub.amountMinor,
			currency: sub.currency,
			status: sub.status,
			grants: live,
			// While past_due the next charge is the retry of the failed one, not a date we know.
			nextPaymentAt:
				live && !ending && sub.status !== 'past_due' && sub.currentPeriodEnd
					? sub.currentPeriodEnd.toISOString()
					: null,
			endsAt: live && ending ? ((sub.cancelAt ?? sub.currentPeriodEnd)?.toISOString() ?? null) : null,
			graceEndsAt:
				sub.status === 'past_due' && sub.pastDueSince
					? graceEnd(sub.pastDueSince, graceDays).toISOString()
					: null,
			endedAt: sub.endedAt?.toISOString() ?? null
		};
	}
	return {
		plan,
		comps: comps.map((c) => ({
			tierName: nameOf(c.tierRank) ?? `Rank ${c.tierRank}`,
			endsAt: c.endsAt.toISOString(),
			reason: c.reason
		}))
	};
}
