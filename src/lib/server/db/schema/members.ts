// The members directory's per-member summary: figures that would cost a scan of the ledger per
// member on every request (12-month points, recent engagements, last activity), refreshed by
// scheduled work from the ledger and, for one member, right after a staff action touches them.
// Every account has a row from sign-up on (a trigger inserts it), so the directory can walk these
// indexes in sort order and stop after a page instead of sorting every member.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, serial, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

export const memberActivity = pgTable(
	'member_activity',
	{
		memberId: uuid('member_id')
			.primaryKey()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** Points earned in the 12 months before refreshed_at (what tiers count). */
		points12m: integer('points_12m').notNull().default(0),
		/** Engagements of the member's own (not staff adjustments) in the 90 days before refreshed_at. */
		engagements90d: integer('engagements_90d').notNull().default(0),
		/** The member's latest own engagement, ever; null if none. */
		lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
		refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull()
	},
	(t) => [
		index('member_activity_points_idx').on(sql`${t.points12m} desc`, t.memberId),
		index('member_activity_last_idx').on(sql`${t.lastActivityAt} desc nulls last`, t.memberId)
	]
);

/** Each full refresh of member_activity: when (what the directory's "as of" shows) and what it changed. */
export const memberActivityRuns = pgTable('member_activity_runs', {
	id: serial('id').primaryKey(),
	refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull(),
	changedRows: integer('changed_rows').notNull(),
	ms: integer('ms').notNull(),
	/** A pass over the whole ledger (else only the members whose figures could have moved). */
	fullPass: boolean('full_pass').notNull().default(true)
});

export type MemberActivity = typeof memberActivity.$inferSelect;
