// Tables for privacy: which accounts were erased (tombstones) and the inactive-account retention
// warnings. None of them holds personal data beyond a member id.
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

/** One row per erased account: the users row stays as an anonymised tombstone, this says so. */
export const accountDeletions = pgTable('account_deletions', {
	memberId: uuid('member_id')
		.primaryKey()
		.references(() => users.id),
	/** 'member' (they asked) or 'retention' (inactive too long). */
	reason: text('reason').notNull(),
	erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().defaultNow()
});

/**
 * A warning that an inactive account will be removed. One row per inactivity spell: the insert is
 * the claim (a second instance inserts nothing), and fresh activity clears it.
 */
export const retentionNotices = pgTable(
	'retention_notices',
	{
		memberId: uuid('member_id')
			.primaryKey()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** The last activity the warning was about: newer activity cancels the removal. */
		lastActiveAt: timestamp('last_active_at', { withTimezone: true }).notNull(),
		warnedAt: timestamp('warned_at', { withTimezone: true }).notNull(),
		removalDueAt: timestamp('removal_due_at', { withTimezone: true }).notNull(),
		/** Claimed by the instance that removes the account. */
		removingAt: timestamp('removing_at', { withTimezone: true })
	},
	(t) => [index('retention_notices_due_idx').on(t.removalDueAt)]
);

/** When a periodic privacy job last ran, so several instances run it once an hour, not every tick. */
export const privacyRuns = pgTable('privacy_runs', {
	name: text('name').primaryKey(),
	lastRunAt: timestamp('last_run_at', { withTimezone: true }).notNull()
});

export type AccountDeletion = typeof accountDeletions.$inferSelect;
export type RetentionNotice = typeof retentionNotices.$inferSelect;
