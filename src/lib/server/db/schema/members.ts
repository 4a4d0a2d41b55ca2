// The members directory's per-member summary: figures that would cost a scan of the ledger per
// member on every request (12-month points, recent engagements, last activity), refreshed by
// scheduled work from the ledger and, for one member, right after a staff action touches them.
import { index, integer, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './core';

export const memberActivity = pgTable(
	'member_activity',
	{
		memberId: uuid('member_id')
			.primaryKey()
			.references(() => users.id),
		/** Points earned in the 12 months before refreshed_at (what tiers count). */
		points12m: integer('points_12m').notNull().default(0),
		/** Engagements of the member's own (not staff adjustments) in the 90 days before refreshed_at. */
		engagements90d: integer('engagements_90d').notNull().default(0),
		/** The member's latest own engagement, ever; null if none. */
		lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
		refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull()
	},
	(t) => [
		index('member_activity_points_idx').on(t.points12m),
		index('member_activity_last_idx').on(t.lastActivityAt)
	]
);

export type MemberActivity = typeof memberActivity.$inferSelect;
