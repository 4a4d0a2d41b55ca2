import { sql } from 'drizzle-orm';
import {
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

const timestamps = {
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
		...timestamps
	},
	(t) => [uniqueIndex('users_email_lower_unique').on(sql`lower(${t.email})`)]
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
