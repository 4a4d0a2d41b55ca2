// The staff view of patronage: who pays for which tier, the latest changes and the MRR they add up to.
import { desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Queryable } from '../db';
import { patronSubscriptions, subscriptionEvents, users } from '../db/schema';

/** Subscriptions that grant a tier, highest monthly value first. */
export function listPatrons(db: Queryable, limit = 200) {
	return db
		.select({
			name: users.displayName,
			email: users.email,
			tierRank: patronSubscriptions.grantedRank,
			status: patronSubscriptions.status,
			mrr: patronSubscriptions.mrrMinor,
			currency: patronSubscriptions.currency,
			cancelAtPeriodEnd: patronSubscriptions.cancelAtPeriodEnd
		})
		.from(patronSubscriptions)
		.innerJoin(users, eq(users.id, patronSubscriptions.memberId))
		.where(isNotNull(patronSubscriptions.grantedRank))
		.orderBy(desc(patronSubscriptions.mrrMinor))
		.limit(limit);
}

/** The latest starts, upgrades, downgrades and cancellations, newest first. */
export function recentSubscriptionEvents(db: Queryable, limit = 20) {
	return db
		.select({
			id: subscriptionEvents.id,
			name: users.displayName,
			kind: subscriptionEvents.kind,
			fromRank: subscriptionEvents.fromRank,
			toRank: subscriptionEvents.toRank,
			delta: subscriptionEvents.mrrDeltaMinor,
			currency: subscriptionEvents.currency,
			at: subscriptionEvents.occurredAt
		})
		.from(subscriptionEvents)
		.innerJoin(users, eq(users.id, subscriptionEvents.memberId))
		.orderBy(desc(subscriptionEvents.occurredAt), desc(subscriptionEvents.id))
		.limit(limit);
}

/** Monthly recurring revenue of every subscription, normalised (yearly ÷ 12), in minor units. */
export async function totalMrr(db: Queryable): Promise<number> {
	const [row] = await db
		.select({ total: sql<number>`coalesce(sum(${patronSubscriptions.mrrMinor}), 0)`.mapWith(Number) })
		.from(patronSubscriptions);
	return row.total;
}
