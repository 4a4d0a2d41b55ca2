// The loyalty engine's tables: the ladder (tiers and its versions over time), the earning rules,
// the append-only engagement ledger, each member's tier state and the log of tier changes.
import { sql } from 'drizzle-orm';
import {
	bigserial,
	boolean,
	check,
	index,
	integer,
	jsonb,
	pgTable,
	serial,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { timestamps, users } from './accounts';

/** The tier ladder as data: the engine, the pages and the rules text all read it. */
export const tiers = pgTable(
	'tiers',
	{
		id: serial('id').primaryKey(),
		rank: integer('rank').notNull(),
		slug: text('slug').notNull(),
		name: text('name').notNull(),
		colour: text('colour').notNull(),
		benefits: jsonb('benefits').$type<string[]>().notNull().default([]),
		/** Points in the last 12 months that earn this tier; null = cannot be earned. */
		pointsThreshold: integer('points_threshold'),
		/** Paid route, in minor units; null = cannot be bought. */
		monthlyPriceMinor: integer('monthly_price_minor'),
		yearlyPriceMinor: integer('yearly_price_minor'),
		currency: text('currency').notNull().default('eur'),
		paidName: text('paid_name'),
		...timestamps
	},
	(t) => [
		uniqueIndex('tiers_rank_unique').on(t.rank),
		uniqueIndex('tiers_slug_unique').on(t.slug),
		check('tiers_rank_nonnegative', sql`${t.rank} >= 0`),
		check('tiers_threshold_nonnegative', sql`${t.pointsThreshold} IS NULL OR ${t.pointsThreshold} >= 0`),
		check(
			'tiers_prices_positive',
			sql`(${t.monthlyPriceMinor} IS NULL OR ${t.monthlyPriceMinor} > 0) AND (${t.yearlyPriceMinor} IS NULL OR ${t.yearlyPriceMinor} > 0)`
		)
	]
);

export type Tier = typeof tiers.$inferSelect;

/**
 * The engagement ledger: append-only (a trigger rejects UPDATE, DELETE and TRUNCATE).
 * Corrections are new entries; a capped engagement is kept with 0 points and its reason.
 */
export const engagements = pgTable(
	'engagements',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id),
		kind: text('kind').notNull(),
		/** What it was about, e.g. "drop:42"; null for kinds without an object (daily visit). */
		object: text('object'),
		points: integer('points').notNull(),
		occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
		/** House-local calendar day of occurred_at: per-day caps count by it. */
		day: text('day').notNull(),
		source: text('source').notNull(),
		idempotencyKey: text('idempotency_key').notNull(),
		/** SHA-256 of the request that created it: the same key with another payload is a conflict. */
		payloadHash: text('payload_hash').notNull(),
		cappedReason: text('capped_reason'),
		/** Staff adjustments: why, and who. */
		note: text('note'),
		actorId: uuid('actor_id').references(() => users.id)
	},
	(t) => [
		uniqueIndex('engagements_idempotency_unique').on(t.idempotencyKey),
		// Points in the key: 12-month sums (tier folds, /me) read the index alone, never the table.
		index('engagements_member_time_points_idx').on(t.memberId, t.occurredAt, t.points),
		// The caps' counts. Day first: today's entries land in a few hot pages of the index, where
		// member first scattered every write over the whole index (a full-page WAL image apiece).
		index('engagements_day_kind_member_idx').on(t.day, t.kind, t.memberId),
		// Also "has this member ever done kind K" (segments, members filters): member first.
		index('engagements_member_kind_object_idx').on(t.memberId, t.kind, t.object),
		// What was written since a moment (the members summary's increments): tiny, as rows arrive in order.
		index('engagements_recorded_brin_idx').using('brin', t.recordedAt),
		// Insights' daily rollups read a few days of the ledger by time: a block range index is tiny
		// and nearly free to keep, as entries arrive roughly in time order.
		index('engagements_occurred_brin_idx').using('brin', t.occurredAt)
	]
);

export const earningRules = pgTable(
	'earning_rules',
	{
		kind: text('kind').primaryKey(),
		label: text('label').notNull(),
		points: integer('points').notNull(),
		perDay: integer('per_day'),
		perObject: integer('per_object'),
		perUnit: boolean('per_unit').notNull().default(false),
		active: boolean('active').notNull().default(true),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('earning_rules_points_nonnegative', sql`${t.points} >= 0`),
		check(
			'earning_rules_caps_positive',
			sql`(${t.perDay} IS NULL OR ${t.perDay} > 0) AND (${t.perObject} IS NULL OR ${t.perObject} > 0)`
		)
	]
);

/** Each member's tier, kept in step with the ledger (and rebuildable from it). */
export const memberTiers = pgTable(
	'member_tiers',
	{
		memberId: uuid('member_id')
			.primaryKey()
			.references(() => users.id),
		earnedRank: integer('earned_rank').notNull().default(0),
		reachedAt: timestamp('reached_at', { withTimezone: true }),
		heldUntil: timestamp('held_until', { withTimezone: true }),
		lastEventAt: timestamp('last_event_at', { withTimezone: true }),
		/** Paid route, set by patronage: its own clock. */
		paidRank: integer('paid_rank'),
		paidUntil: timestamp('paid_until', { withTimezone: true }),
		/** The higher of the two as last computed: what lists and metrics read. */
		rank: integer('rank').notNull().default(0),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('member_tiers_rank_idx').on(t.rank)]
);

/** Every change of a member's tier, for moments ("you reached Insider") and insights. */
export const tierChanges = pgTable(
	'tier_changes',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id),
		fromRank: integer('from_rank').notNull(),
		toRank: integer('to_rank').notNull(),
		route: text('route').notNull(),
		at: timestamp('at', { withTimezone: true }).notNull(),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('tier_changes_member_idx').on(t.memberId, t.at)]
);

export type Engagement = typeof engagements.$inferSelect;

export type EarningRuleRow = typeof earningRules.$inferSelect;

export type MemberTier = typeof memberTiers.$inferSelect;

/**
 * Thresholds in force from a moment on. The engine replays history with the thresholds of each
 * moment, so a rebuild after staff change the ladder gives exactly the state members hold.
 */
export const ladderVersions = pgTable('ladder_versions', {
	id: serial('id').primaryKey(),
	effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
	/** rank → points threshold (null: not earnable). */
	thresholds: jsonb('thresholds').$type<Record<string, number | null>>().notNull(),
	createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

export type LadderVersion = typeof ladderVersions.$inferSelect;
