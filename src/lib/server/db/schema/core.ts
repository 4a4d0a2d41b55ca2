import { sql } from 'drizzle-orm';
import {
	bigserial,
	boolean,
	check,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	serial,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';

export const timestamps = {
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
};

export const roleEnum = pgEnum('role', ['fan', 'staff', 'admin']);
export type Role = (typeof roleEnum.enumValues)[number];

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		email: text('email').notNull(),
		displayName: text('display_name').notNull(),
		passwordHash: text('password_hash').notNull(),
		role: roleEnum('role').notNull().default('fan'),
		emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
		consentAnalytics: boolean('consent_analytics').notNull().default(false),
		consentMarketing: boolean('consent_marketing').notNull().default(false),
		consentUpdatedAt: timestamp('consent_updated_at', { withTimezone: true }),
		/** Optional, for the birthday moment: month and day only, never the year. */
		birthdayMonth: integer('birthday_month'),
		birthdayDay: integer('birthday_day'),
		...timestamps
	},
	(t) => [
		uniqueIndex('users_email_lower_unique').on(sql`lower(${t.email})`),
		// The members directory sorts by tenure and by name.
		index('users_created_idx').on(t.createdAt, t.id),
		index('users_name_idx').on(sql`lower(${t.displayName})`, t.id),
		// Search by any part of the name or email (ILIKE '%…%'): trigrams (pg_trgm).
		index('users_search_trgm_idx').using('gin', sql`(${t.displayName} || ' ' || ${t.email}) gin_trgm_ops`),
		// Insights leave staff out of every figure: the few non-fans, found without reading every member.
		index('users_not_fan_idx')
			.on(t.id)
			.where(sql`${t.role} <> 'fan'`)
	]
);

export const sessions = pgTable(
	'sessions',
	{
		// SHA-256 of the token, hex: the token itself is never stored.
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		userAgent: text('user_agent')
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

export const authTokenPurpose = pgEnum('auth_token_purpose', ['verify_email', 'reset_password']);

/** One-time tokens sent by email; only their SHA-256 is stored. */
export const authTokens = pgTable(
	'auth_tokens',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		purpose: authTokenPurpose('purpose').notNull(),
		email: text('email').notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('auth_tokens_user_idx').on(t.userId, t.purpose)]
);

/** Fixed-window counters shared by every app instance. */
export const rateLimits = pgTable('rate_limits', {
	key: text('key').primaryKey(),
	count: integer('count').notNull(),
	windowStart: timestamp('window_start', { withTimezone: true }).notNull()
});

export const mailOutbox = pgTable(
	'mail_outbox',
	{
		id: serial('id').primaryKey(),
		to: text('to').notNull(),
		subject: text('subject').notNull(),
		text: text('text').notNull(),
		html: text('html').notNull(),
		kind: text('kind').notNull(),
		/** Extra headers, e.g. List-Unsubscribe on notification emails. */
		headers: jsonb('headers').$type<Record<string, string>>(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		sentAt: timestamp('sent_at', { withTimezone: true }),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error')
	},
	(t) => [index('mail_outbox_created_idx').on(t.createdAt)]
);

export const auditLog = pgTable(
	'audit_log',
	{
		id: serial('id').primaryKey(),
		actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
		action: text('action').notNull(),
		subjectType: text('subject_type').notNull(),
		subjectId: text('subject_id'),
		details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('audit_log_created_idx').on(t.createdAt)]
);

/** The house (artist, band, theatre) this portal belongs to: a single row. */
export const house = pgTable(
	'house',
	{
		id: integer('id').primaryKey().default(1),
		name: text('name').notNull(),
		tagline: text('tagline').notNull().default(''),
		about: text('about').notNull().default(''),
		...timestamps
	},
	(t) => [check('house_single_row', sql`${t.id} = 1`)]
);

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

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Tier = typeof tiers.$inferSelect;
export type House = typeof house.$inferSelect;
export type MailMessage = typeof mailOutbox.$inferSelect;

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

/** Keys for partner systems (box office, shop, streaming) to send engagements. */
export const apiKeys = pgTable(
	'api_keys',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		/** The first characters of the key, shown so staff can tell keys apart. */
		prefix: text('prefix').notNull(),
		/** SHA-256 of the whole key: the key itself is shown once and never stored. */
		keyHash: text('key_hash').notNull(),
		/** Engagement kinds this key may send. */
		scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('api_keys_hash_unique').on(t.keyHash)]
);

/** Secrets the server generates once and keeps (member-card signing key, later VAPID keys). */
export const serverSecrets = pgTable('server_secrets', {
	name: text('name').primaryKey(),
	value: text('value').notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

/** The member's in-app inbox: moments (tier-up, welcome, ...) and later every notification. */
export const inboxItems = pgTable(
	'inbox_items',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		title: text('title').notNull(),
		body: text('body').notNull().default(''),
		link: text('link'),
		/** Data for the view (e.g. the new tier's rank and colour for a celebration). */
		data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
		/** Dedupe: one moment per key (e.g. "tier-up:<member>:<rank>:<date>"). */
		dedupeKey: text('dedupe_key'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		readAt: timestamp('read_at', { withTimezone: true }),
		/** When a celebration for it was shown (tier-up), so it plays once. */
		celebratedAt: timestamp('celebrated_at', { withTimezone: true })
	},
	(t) => [
		index('inbox_member_created_idx').on(t.memberId, t.createdAt),
		uniqueIndex('inbox_dedupe_unique').on(t.dedupeKey)
	]
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type InboxItem = typeof inboxItems.$inferSelect;
export type LadderVersion = typeof ladderVersions.$inferSelect;
