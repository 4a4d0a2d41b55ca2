// Accounts: the members (fans, staff, admins), their sessions, the one-time tokens sent by email
// and the rate-limit counters every app instance shares. Shared column helpers live here too.
import { sql } from 'drizzle-orm';
import {
	boolean,
	index,
	integer,
	pgEnum,
	pgTable,
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
		userAgent: text('user_agent'),
		/** The house day (YYYY-MM-DD) whose visit this session already counted: read with the session,
		 * so a client that drops the visit cookie costs no ledger work either. */
		visitedOn: text('visited_on')
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

export type User = typeof users.$inferSelect;

export type Session = typeof sessions.$inferSelect;
