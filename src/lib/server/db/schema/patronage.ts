// Tables for patronage (paid tiers through Stripe). Stripe is the source of truth for
// subscriptions; these rows are what the webhooks last learned, kept so pages and insights never
// wait on Stripe. The member's paid rank itself lives in member_tiers (core), set by the engine.
import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	boolean,
	check,
	index,
	integer,
	jsonb,
	pgTable,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { tiers } from './loyalty';

export const BILLING_INTERVALS = ['month', 'year'] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

/** The Stripe price behind each (paid tier, interval), found again by its lookup key. */
export const stripePrices = pgTable(
	'stripe_prices',
	{
		lookupKey: text('lookup_key').primaryKey(),
		tierId: integer('tier_id')
			.notNull()
			.references(() => tiers.id, { onDelete: 'cascade' }),
		interval: text('interval').$type<BillingInterval>().notNull(),
		amountMinor: integer('amount_minor').notNull(),
		currency: text('currency').notNull(),
		stripeProductId: text('stripe_product_id').notNull(),
		stripePriceId: text('stripe_price_id').notNull(),
		syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('stripe_prices_tier_interval_unique').on(t.tierId, t.interval),
		uniqueIndex('stripe_prices_price_unique').on(t.stripePriceId),
		check('stripe_prices_interval', sql`${t.interval} in ('month', 'year')`)
	]
);

/** One Stripe customer per member, created once and reused for every checkout. */
export const stripeCustomers = pgTable(
	'stripe_customers',
	{
		memberId: uuid('member_id')
			.primaryKey()
			.references(() => users.id),
		stripeCustomerId: text('stripe_customer_id').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('stripe_customers_customer_unique').on(t.stripeCustomerId)]
);

/** Checkout Sessions we opened: the success page asks these (not Stripe) whether the webhook came. */
export const checkoutSessions = pgTable(
	'checkout_sessions',
	{
		id: text('id').primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id),
		tierRank: integer('tier_rank').notNull(),
		interval: text('interval').$type<BillingInterval>().notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		/** Set by the checkout.session.completed webhook, never by the success redirect. */
		completedAt: timestamp('completed_at', { withTimezone: true }),
		stripeSubscriptionId: text('stripe_subscription_id')
	},
	(t) => [index('checkout_sessions_member_idx').on(t.memberId, t.createdAt)]
);

/** Each member's subscriptions as last read from Stripe. */
export const patronSubscriptions = pgTable(
	'patron_subscriptions',
	{
		id: text('id').primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id),
		stripeCustomerId: text('stripe_customer_id').notNull(),
		status: text('status').notNull(),
		/** The paid tier the current price gives; null when the price is not one of ours. */
		tierRank: integer('tier_rank'),
		interval: text('interval').$type<BillingInterval>(),
		stripePriceId: text('stripe_price_id'),
		amountMinor: integer('amount_minor').notNull().default(0),
		currency: text('currency').notNull().default('eur'),
		currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
		cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
		cancelAt: timestamp('cancel_at', { withTimezone: true }),
		endedAt: timestamp('ended_at', { withTimezone: true }),
		/** When we first saw it past_due: the grace period counts from here. */
		pastDueSince: timestamp('past_due_since', { withTimezone: true }),
		/** What the subscription grants as last recorded in subscription_events: the "before" of the next change. */
		grantedRank: integer('granted_rank'),
		/** Until when that grant runs without another event: the due work ends it then. */
		grantedUntil: timestamp('granted_until', { withTimezone: true }),
		mrrMinor: integer('mrr_minor').notNull().default(0),
		/** A dispute ends access at once, whatever the status says. */
		disputedAt: timestamp('disputed_at', { withTimezone: true }),
		/**
		 * When the snapshot stored here was requested from Stripe (ms since epoch). A snapshot asked
		 * for later has seen every change before it, so an older one never overwrites a newer one.
		 */
		readAtMs: bigint('read_at_ms', { mode: 'number' }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('patron_subscriptions_member_idx').on(t.memberId),
		// The due work looks for subscriptions still recorded as granting.
		index('patron_subscriptions_granting_idx')
			.on(t.grantedUntil)
			.where(sql`${t.grantedRank} is not null`)
	]
);

/** Stripe events processed, one row each, written in the same transaction as their effects. */
export const stripeEvents = pgTable(
	'stripe_events',
	{
		id: text('id').primaryKey(),
		type: text('type').notNull(),
		/** Stripe's own `created` of the event. */
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
		livemode: boolean('livemode').notNull().default(false)
	},
	(t) => [index('stripe_events_processed_idx').on(t.processedAt)]
);

/**
 * Every change of a member's paid tier, status or recurring revenue: what insights read for MRR,
 * conversion and churn. MRR is normalised to a month (yearly ÷ 12) in minor units.
 */
export const subscriptionEvents = pgTable(
	'subscription_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id),
		/** Null for complimentary tiers (no subscription). */
		stripeSubscriptionId: text('stripe_subscription_id'),
		/** started | upgraded | downgraded | plan_changed | cancel_scheduled | cancel_withdrawn | past_due | recovered | ended | comp_granted */
		kind: text('kind').notNull(),
		fromRank: integer('from_rank'),
		toRank: integer('to_rank'),
		status: text('status').notNull(),
		mrrBeforeMinor: integer('mrr_before_minor').notNull(),
		mrrAfterMinor: integer('mrr_after_minor').notNull(),
		mrrDeltaMinor: integer('mrr_delta_minor').notNull(),
		currency: text('currency').notNull(),
		occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
		stripeEventId: text('stripe_event_id'),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('subscription_events_member_idx').on(t.memberId, t.occurredAt),
		index('subscription_events_occurred_idx').on(t.occurredAt),
		check('subscription_events_delta', sql`${t.mrrDeltaMinor} = ${t.mrrAfterMinor} - ${t.mrrBeforeMinor}`)
	]
);

/** Complimentary and gift memberships: a paid tier without a subscription, until a date. */
export const patronComps = pgTable(
	'patron_comps',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id),
		tierRank: integer('tier_rank').notNull(),
		endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
		reason: text('reason').notNull(),
		grantedBy: uuid('granted_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [index('patron_comps_member_idx').on(t.memberId)]
);

/**
 * Money actually received, one row per paid invoice, and refunds as negative rows: revenue to
 * date and lifetime value read it. Append-only by convention; amounts in minor units.
 */
export const payments = pgTable(
	'payments',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id),
		/** `invoice:<id>` for a payment, `refund:<charge>:<cumulative refunded>` for a refund: each counts once. */
		externalId: text('external_id').notNull(),
		kind: text('kind').$type<'payment' | 'refund'>().notNull(),
		stripeSubscriptionId: text('stripe_subscription_id'),
		stripeChargeId: text('stripe_charge_id'),
		/** The paid tier billed, when known. */
		tierRank: integer('tier_rank'),
		amountMinor: integer('amount_minor').notNull(),
		currency: text('currency').notNull(),
		occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
		stripeEventId: text('stripe_event_id'),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('payments_external_unique').on(t.externalId),
		index('payments_member_idx').on(t.memberId, t.occurredAt),
		index('payments_occurred_idx').on(t.occurredAt),
		check(
			'payments_sign',
			sql`(${t.kind} = 'payment' AND ${t.amountMinor} >= 0) OR (${t.kind} = 'refund' AND ${t.amountMinor} <= 0)`
		)
	]
);

/** Demo payments only: the local stand-in for Stripe keeps its objects here. */
export const demoStripeObjects = pgTable('demo_stripe_objects', {
	id: text('id').primaryKey(),
	object: text('object').notNull(),
	data: jsonb('data').$type<Record<string, unknown>>().notNull(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

export type StripePriceRow = typeof stripePrices.$inferSelect;
export type PatronSubscription = typeof patronSubscriptions.$inferSelect;
export type SubscriptionEvent = typeof subscriptionEvents.$inferSelect;
export type PatronComp = typeof patronComps.$inferSelect;
export type Payment = typeof payments.$inferSelect;
