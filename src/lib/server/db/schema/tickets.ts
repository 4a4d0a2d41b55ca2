// Tables for early-access tickets: events, their presale windows, draw entries and the claims
// (each with its presale code). Inventory lives in one counter per window with a CHECK >= 0, and
// every change to it happens under that window's row lock, so seats are never oversold.
import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
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
import { timestamps, users } from './accounts';

export const events = pgTable(
	'events',
	{
		id: serial('id').primaryKey(),
		slug: text('slug').notNull(),
		title: text('title').notNull(),
		venue: text('venue').notNull(),
		startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
		/** IANA zone the show happens in: times on its pages read in it. */
		timeZone: text('time_zone').notNull(),
		imageUrl: text('image_url'),
		publicSaleAt: timestamp('public_sale_at', { withTimezone: true }).notNull(),
		/** Seats set aside for early access across all windows. */
		capacity: integer('capacity').notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		...timestamps
	},
	(t) => [
		uniqueIndex('events_slug_unique').on(t.slug),
		check('events_capacity_positive', sql`${t.capacity} > 0`)
	]
);

export const presaleModeEnum = pgEnum('presale_mode', ['first_come', 'draw']);
export type PresaleMode = (typeof presaleModeEnum.enumValues)[number];

/** How a draw weighs entrants: a weight per tier rank, and a bonus per year of membership. */
export interface DrawWeights {
	/** rank → weight (missing ranks weigh 1). */
	tiers: Record<string, number>;
	/** Extra weight per whole year of membership, as a fraction (0.1 = +10 % a year). */
	tenurePerYear: number;
	/** Years of membership counted at most. */
	tenureCapYears: number;
}

export const presaleWindows = pgTable(
	'presale_windows',
	{
		id: serial('id').primaryKey(),
		eventId: integer('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		/** Lowest effective tier rank that may take part. */
		minRank: integer('min_rank').notNull(),
		opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
		closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
		mode: presaleModeEnum('mode').notNull(),
		/** Seats staff gave this window; rolled-over seats are counted apart. */
		allocation: integer('allocation').notNull(),
		rolledIn: integer('rolled_in').notNull().default(0),
		/** The hot counter: seats not yet held by anyone. */
		seatsRemaining: integer('seats_remaining').notNull(),
		perMemberLimit: integer('per_member_limit').notNull(),
		/** Draw windows: hours a winner (or promoted waitlister) has to confirm. */
		claimHours: integer('claim_hours').notNull().default(48),
		drawWeights: jsonb('draw_weights')
			.$type<DrawWeights>()
			.notNull()
			.default({ tiers: {}, tenurePerYear: 0.1, tenureCapYears: 5 }),
		drawSeed: text('draw_seed'),
		drawnAt: timestamp('drawn_at', { withTimezone: true }),
		drawnBy: uuid('drawn_by').references(() => users.id, { onDelete: 'set null' }),
		openNotifiedAt: timestamp('open_notified_at', { withTimezone: true }),
		/** When its unclaimed seats were rolled to the next window (first come). */
		closedAt: timestamp('closed_at', { withTimezone: true }),
		...timestamps
	},
	(t) => [
		index('presale_windows_event_idx').on(t.eventId, t.opensAt),
		check('presale_windows_seats_nonnegative', sql`${t.seatsRemaining} >= 0`),
		check('presale_windows_allocation_nonnegative', sql`${t.allocation} >= 0 AND ${t.rolledIn} >= 0`),
		check('presale_windows_limit_positive', sql`${t.perMemberLimit} > 0`),
		check('presale_windows_times', sql`${t.closesAt} > ${t.opensAt}`),
		check('presale_windows_rank_nonnegative', sql`${t.minRank} >= 0`)
	]
);

export const drawOutcomeEnum = pgEnum('presale_draw_outcome', ['pending', 'won', 'waitlist']);

/** Interest registered for a draw window; one per member and window. */
export const presaleEntries = pgTable(
	'presale_entries',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		windowId: integer('window_id')
			.notNull()
			.references(() => presaleWindows.id, { onDelete: 'cascade' }),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		seats: integer('seats').notNull(),
		/** Effective rank when registering: the draw weighs this, so it is reproducible. */
		rank: integer('rank').notNull(),
		memberSince: timestamp('member_since', { withTimezone: true }).notNull(),
		weight: integer('weight_milli'),
		outcome: drawOutcomeEnum('outcome').notNull().default('pending'),
		/** 1-based position in the drawn order. */
		drawPosition: integer('draw_position'),
		/** Set once the entry was offered seats (at the draw or from the waitlist). */
		offeredAt: timestamp('offered_at', { withTimezone: true }),
		registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('presale_entries_member_unique').on(t.windowId, t.memberId),
		index('presale_entries_position_idx').on(t.windowId, t.drawPosition),
		check('presale_entries_seats_positive', sql`${t.seats} > 0`)
	]
);

export const claimStatusEnum = pgEnum('presale_claim_status', ['offered', 'claimed', 'released', 'expired']);
export type ClaimStatus = (typeof claimStatusEnum.enumValues)[number];

/** Seats held by a member in a window, with the presale code that admits them. */
export const presaleClaims = pgTable(
	'presale_claims',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		windowId: integer('window_id')
			.notNull()
			.references(() => presaleWindows.id, { onDelete: 'cascade' }),
		eventId: integer('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		seats: integer('seats').notNull(),
		/** Normalised (no prefix, no hyphens); unique, never reused. */
		code: text('code').notNull(),
		status: claimStatusEnum('status').notNull(),
		/** Draw offers: confirm by then or the seats pass to the waitlist. */
		claimBy: timestamp('claim_by', { withTimezone: true }),
		entryId: bigint('entry_id', { mode: 'number' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		claimedAt: timestamp('claimed_at', { withTimezone: true }),
		endedAt: timestamp('ended_at', { withTimezone: true }),
		endedBy: uuid('ended_by').references(() => users.id, { onDelete: 'set null' }),
		checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
		checkedInBy: uuid('checked_in_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		uniqueIndex('presale_claims_code_unique').on(t.code),
		index('presale_claims_window_member_idx').on(t.windowId, t.memberId),
		index('presale_claims_member_idx').on(t.memberId),
		index('presale_claims_offer_due_idx')
			.on(t.claimBy)
			.where(sql`${t.status} = 'offered'`),
		check('presale_claims_seats_positive', sql`${t.seats} > 0`),
		check('presale_claims_checkin_claimed', sql`${t.checkedInAt} IS NULL OR ${t.status} = 'claimed'`)
	]
);

export type Event = typeof events.$inferSelect;
export type PresaleWindow = typeof presaleWindows.$inferSelect;
export type PresaleEntry = typeof presaleEntries.$inferSelect;
export type PresaleClaim = typeof presaleClaims.$inferSelect;
