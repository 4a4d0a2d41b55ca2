// Subscriptions as Stripe last told us, stored so that duplicate, concurrent and reordered
// webhooks converge: a snapshot read from Stripe earlier never overwrites one read later, and a
// subscription Stripe has ended never comes back. Every change of what it grants is logged with
// its MRR delta for insights.
import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Queryable } from '../db';
import {
	memberTiers,
	patronSubscriptions,
	stripeCustomers,
	stripePrices,
	subscriptionEvents,
	tiers,
	type BillingInterval,
	type PatronSubscription
} from '../db/schema';
import { lockMemberTiers } from '../loyalty';
import { accessOf, classifyChange, isTerminal, mrrOf, type ChangeSide } from './access';
import { syncPaidTier } from './paid-tier';
import { askWhyCancelled } from '../feedback';

export interface Snapshot {
	subscription: Stripe.Subscription;
	/** When it was requested from Stripe (ms): it reflects every change made before then. */
	readAtMs: number;
}

export interface ChangeContext {
	graceDays: number;
	now: Date;
	occurredAt: Date;
	stripeEventId: string | null;
}

const idOf = (v: string | { id: string } | null | undefined) =>
	v == null ? null : typeof v === 'string' ? v : v.id;

/** The member a customer belongs to (we create every customer, so we know them all). */
export async function memberForCustomer(db: Queryable, customerId: string | null): Promise<string | null> {
	if (!customerId) return null;
	const [row] = await db
		.select({ memberId: stripeCustomers.memberId })
		.from(stripeCustomers)
		.where(eq(stripeCustomers.stripeCustomerId, customerId));
	return row?.memberId ?? null;
}

/** The tier a price gives: ours by id, or by the tier rank we put in its metadata. */
async function tierForPrice(tx: Queryable, price: Stripe.Price): Promise<number | null> {
	const [row] = await tx
		.select({ rank: tiers.rank })
		.from(stripePrices)
		.innerJoin(tiers, eq(tiers.id, stripePrices.tierId))
		.where(eq(stripePrices.stripePriceId, price.id));
	if (row) return row.rank;
	const fromMeta = Number(price.metadata?.tier_rank);
	return Number.isInteger(fromMeta) ? fromMeta : null;
}

function sideOf(
	row: Pick<PatronSubscription, 'grantedRank' | 'mrrMinor' | 'status' | 'cancelAtPeriodEnd'>
): ChangeSide {
	return {
		rank: row.grantedRank,
		mrr: row.mrrMinor,
		status: row.status,
		cancelAtPeriodEnd: row.cancelAtPeriodEnd
	};
}

async function recordChange(
	tx: Queryable,
	memberId: string,
	subscriptionId: string,
	before: ChangeSide | null,
	after: ChangeSide,
	currency: string,
	ctx: ChangeContext
): Promise<void> {
	const kind = classifyChange(before, after);
	if (!kind) return;
	const mrrBefore = before?.mrr ?? 0;
	await tx.insert(subscriptionEvents).values({
		memberId,
		stripeSubscriptionId: subscriptionId,
		kind,
		fromRank: before?.rank ?? null,
		toRank: after.rank,
		status: after.status,
		mrrBeforeMinor: mrrBefore,
		mrrAfterMinor: after.mrr,
		mrrDeltaMinor: after.mrr - mrrBefore,
		currency,
		occurredAt: ctx.occurredAt,
		stripeEventId: ctx.stripeEventId
	});
}

/**
 * Stores a subscription read from Stripe and brings the member's paid tier in line, in the
 * caller's transaction. Returns false when the snapshot was older than the stored one (or tried
 * to revive an ended subscription) and so changed nothing.
 */
export async function applySnapshot(
	tx: Queryable,
	{ subscription: sub, readAtMs }: Snapshot,
	memberHint: string | null,
	ctx: ChangeContext & { disputed?: boolean }
): Promise<boolean> {
	const customerId = idOf(sub.customer)!;
	const memberId = memberHint ?? sub.metadata?.member_id ?? (await memberForCustomer(tx, customerId));
	if (!memberId) return false;
	// The member's tier row is the lock every write for them takes: one writer at a time.
	await lockMemberTiers(tx, [memberId]);
	const [existing] = await tx
		.select()
		.from(patronSubscriptions)
		.where(eq(patronSubscriptions.id, sub.id))
		.for('update');
	if (existing && existing.readAtMs > readAtMs) return false;
	if (existing && isTerminal(existing.status) && !isTerminal(sub.status)) return false;

	const item = sub.items.data[0];
	const price = item?.price;
	const interval = (
		price?.recurring?.interval === 'year' ? 'year' : price ? 'month' : null
	) as BillingInterval | null;
	const state = {
		status: sub.status,
		tierRank: price ? await tierForPrice(tx, price) : null,
		interval,
		stripePriceId: price?.id ?? null,
		amountMinor: price?.unit_amount ?? 0,
		currency: price?.currency ?? existing?.currency ?? 'eur',
		currentPeriodEnd: item?.current_period_end ? new Date(item.current_period_end * 1000) : null,
		cancelAtPeriodEnd: sub.cancel_at_period_end,
		cancelAt: sub.cancel_at ? new Date(sub.cancel_at * 1000) : null,
		endedAt: sub.ended_at ? new Date(sub.ended_at * 1000) : null,
		// Grace counts from the first time we saw it past_due, whichever event told us.
		pastDueSince: sub.status === 'past_due' ? (existing?.pastDueSince ?? ctx.occurredAt) : null,
		disputedAt: ctx.disputed ? (existing?.disputedAt ?? ctx.now) : (existing?.disputedAt ?? null)
	};
	const access = accessOf(state, ctx.graceDays, ctx.now);
	const after: ChangeSide = {
		rank: access.grants ? state.tierRank : null,
		mrr: mrrOf(state, ctx.graceDays, ctx.now),
		status: state.status,
		cancelAtPeriodEnd: state.cancelAtPeriodEnd
	};
	const values = {
		...state,
		memberId,
		stripeCustomerId: customerId,
		grantedRank: after.rank,
		grantedUntil: access.grants ? access.until : null,
		mrrMinor: after.mrr,
		readAtMs,
		updatedAt: ctx.now
	};
	await tx
		.insert(patronSubscriptions)
		.values({ id: sub.id, ...values })
		.onConflictDoUpdate({ target: patronSubscriptions.id, set: values });
	await recordChange(tx, memberId, sub.id, existing ? sideOf(existing) : null, after, state.currency, ctx);
	await syncPaidTier(tx, memberId, ctx.graceDays, ctx.now);
	// The patron chose to leave (now or at the period's end): one tap on why, through the inbox.
	const leaving =
		existing &&
		((state.cancelAtPeriodEnd && !existing.cancelAtPeriodEnd) ||
			(state.status === 'canceled' && !isTerminal(existing.status) && !existing.cancelAtPeriodEnd));
	if (leaving) {
		const rank = state.tierRank ?? existing.tierRank;
		const [tier] =
			rank == null ? [] : await tx.select({ name: tiers.name }).from(tiers).where(eq(tiers.rank, rank));
		await askWhyCancelled(
			tx,
			{ memberId, subscriptionRef: sub.id, tierName: tier?.name ?? 'membership', tell: true },
			ctx.now
		);
	}
	return true;
}

/**
 * Time-based lapses: a grace period or a cancelled period that ended with no event to say so,
 * and comps that expired. Idempotent: each member is re-checked under their lock.
 */
export async function runPatronageDueWork(db: Database, now: Date, graceDays: number): Promise<number> {
	const [lapsing, expired] = await Promise.all([
		db
			.select({ memberId: patronSubscriptions.memberId })
			.from(patronSubscriptions)
			.where(and(isNotNull(patronSubscriptions.grantedRank), lte(patronSubscriptions.grantedUntil, now))),
		db
			.select({ memberId: memberTiers.memberId })
			.from(memberTiers)
			.where(and(isNotNull(memberTiers.paidRank), lte(memberTiers.paidUntil, now)))
	]);
	const members = new Set(expired.map((r) => r.memberId));
	for (const s of lapsing) members.add(s.memberId);
	for (const memberId of members) {
		await db.transaction(async (tx) => {
			await lockMemberTiers(tx, [memberId]);
			const subs = await tx
				.select()
				.from(patronSubscriptions)
				.where(and(eq(patronSubscriptions.memberId, memberId), isNotNull(patronSubscriptions.grantedRank)))
				.for('update');
			for (const s of subs) {
				const access = accessOf(s, graceDays, now);
				const after: ChangeSide = {
					...sideOf(s),
					rank: access.grants ? s.tierRank : null,
					mrr: mrrOf(s, graceDays, now)
				};
				if (after.rank === s.grantedRank && after.mrr === s.mrrMinor) continue;
				await tx
					.update(patronSubscriptions)
					.set({
						grantedRank: after.rank,
						grantedUntil: access.grants ? access.until : null,
						mrrMinor: after.mrr,
						updatedAt: now
					})
					.where(eq(patronSubscriptions.id, s.id));
				// No event said so: time did (grace over, a cancelled period ended).
				await recordChange(tx, memberId, s.id, sideOf(s), after, s.currency, {
					graceDays,
					now,
					occurredAt: now,
					stripeEventId: null
				});
			}
			await syncPaidTier(tx, memberId, graceDays, now);
		});
	}
	return members.size;
}

/** Subscriptions of a member that Stripe may still charge (for account deletion and disputes). */
export function liveSubscriptions(db: Queryable, memberId: string): Promise<PatronSubscription[]> {
	return db
		.select()
		.from(patronSubscriptions)
		.where(
			and(
				eq(patronSubscriptions.memberId, memberId),
				sql`${patronSubscriptions.status} not in ('canceled', 'incomplete_expired')`,
				isNull(patronSubscriptions.endedAt)
			)
		);
}
