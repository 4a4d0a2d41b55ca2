// What Encore tells members: the in-app inbox (every notification lands there first) and the mail
// outbox (SMTP when configured, the dev mailbox otherwise).
import {
	bigserial,
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
import { users } from './accounts';

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

export type MailMessage = typeof mailOutbox.$inferSelect;

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

export type InboxItem = typeof inboxItems.$inferSelect;
