// Daily rollups for insights: counts per house-local day and tier, never a member id. The due
// work recomputes yesterday and today; `npm run insights:rebuild` recomputes every day from the
// ledger and tier_changes with the same code, so the two always agree.
import { date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Per day and tier: members holding the tier at the end of the day, and those engaged in the 30 days to it. */
export const insightTierDays = pgTable(
	'insight_tier_days',
	{
		day: date('day', { mode: 'string' }).notNull(),
		rank: integer('rank').notNull(),
		members: integer('members').notNull(),
		engaged: integer('engaged').notNull()
	},
	(t) => [primaryKey({ columns: [t.day, t.rank] })]
);

/** Per day, tier (of the member that day) and kind: ledger entries and distinct members. */
export const insightEngagementDays = pgTable(
	'insight_engagement_days',
	{
		day: date('day', { mode: 'string' }).notNull(),
		rank: integer('rank').notNull(),
		kind: text('kind').notNull(),
		engagements: integer('engagements').notNull(),
		members: integer('members').notNull()
	},
	(t) => [primaryKey({ columns: [t.day, t.rank, t.kind] })]
);

/** Per day, drop and tier: how often it was opened. */
export const insightDropDays = pgTable(
	'insight_drop_days',
	{
		day: date('day', { mode: 'string' }).notNull(),
		dropId: integer('drop_id').notNull(),
		rank: integer('rank').notNull(),
		opens: integer('opens').notNull()
	},
	(t) => [primaryKey({ columns: [t.day, t.dropId, t.rank] })]
);

/** When the rollups were last computed and up to which day: the page says how fresh they are. */
export const insightRuns = pgTable('insight_runs', {
	name: text('name').primaryKey(),
	firstDay: date('first_day', { mode: 'string' }),
	lastDay: date('last_day', { mode: 'string' }),
	ranAt: timestamp('ran_at', { withTimezone: true }).notNull()
});
