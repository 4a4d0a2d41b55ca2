// Notifications beyond the inbox: each member's choices per kind and channel, their devices for
// Web Push, one delivery row per notification and channel (the work queue the dispatcher drains),
// and the staff's wording and switches for each moment.
import {
	bigint,
	bigserial,
	boolean,
	index,
	integer,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { inboxItems } from './messages';

export const notificationPreferences = pgTable(
	'notification_preferences',
	{
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		/** 'email' or 'push' (the inbox always gets everything). */
		channel: text('channel').notNull(),
		enabled: boolean('enabled').notNull(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.memberId, t.kind, t.channel] })]
);

export const pushSubscriptions = pgTable(
	'push_subscriptions',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		endpoint: text('endpoint').notNull(),
		p256dh: text('p256dh').notNull(),
		auth: text('auth').notNull(),
		/** A label the fan recognises ("Chrome on Android"), from the browser that subscribed. */
		device: text('device').notNull().default(''),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastSuccessAt: timestamp('last_success_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('push_subscriptions_endpoint_unique').on(t.endpoint),
		index('push_subscriptions_member_idx').on(t.memberId)
	]
);

export const notificationDeliveries = pgTable(
	'notification_deliveries',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		inboxItemId: bigint('inbox_item_id', { mode: 'number' })
			.notNull()
			.references(() => inboxItems.id, { onDelete: 'cascade' }),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		channel: text('channel').notNull(),
		/** pending → sending → sent | failed | skipped (nothing to send to). */
		status: text('status').notNull().default('pending'),
		attempts: integer('attempts').notNull().default(0),
		nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
		claimedAt: timestamp('claimed_at', { withTimezone: true }),
		sentAt: timestamp('sent_at', { withTimezone: true }),
		lastError: text('last_error'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('notification_deliveries_item_channel_unique').on(t.inboxItemId, t.channel),
		index('notification_deliveries_due_idx').on(t.status, t.nextAttemptAt)
	]
);

export const momentSettings = pgTable('moment_settings', {
	kind: text('kind').primaryKey(),
	enabled: boolean('enabled').notNull().default(true),
	/** Null: the built-in wording. Placeholders such as {tier} are filled in when the moment fires. */
	title: text('title'),
	body: text('body'),
	updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;
export type MomentSetting = typeof momentSettings.$inferSelect;
