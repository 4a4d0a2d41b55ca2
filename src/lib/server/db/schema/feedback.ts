// Feedback: the one-tap questions asked after the moments that matter (a check-in, a presale
// result, a drop, a cancellation, the relationship survey), the answers, the house's settings for
// asking, and the "you said, we did" notes staff send back.
import { sql } from 'drizzle-orm';
import {
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
import { users } from './accounts';
import { events } from './tickets';
import { drops } from './drops';

export const feedbackKind = pgEnum('feedback_kind', ['checkin', 'presale', 'drop', 'cancellation', 'nps']);
export type FeedbackKind = (typeof feedbackKind.enumValues)[number];

/** One question to one member about one thing, and (once answered) the answer. */
export const feedbackRequests = pgTable(
	'feedback_requests',
	{
		id: serial('id').primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id),
		kind: feedbackKind('kind').notNull(),
		/** What it is about, e.g. "event:12", "venue:main-venue:2026-12-04", "drop:5", "nps:2026-12-05". */
		subject: text('subject').notNull(),
		/** The thing in the fan's words ("Winter tour, Brussels"). */
		subjectLabel: text('subject_label').notNull().default(''),
		eventId: integer('event_id').references(() => events.id, { onDelete: 'set null' }),
		dropId: integer('drop_id').references(() => drops.id, { onDelete: 'set null' }),
		/** The member's tier rank when asked: satisfaction by tier reads it. */
		rank: integer('rank').notNull().default(0),
		sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
		answeredAt: timestamp('answered_at', { withTimezone: true }),
		/** 1–5 (satisfaction) or 0–10 (NPS); null for a cancellation reason alone. */
		score: integer('score'),
		/** Cancellation: the reason picked (too_expensive, not_enough_content, not_using, one_benefit, other). */
		reason: text('reason'),
		comment: text('comment'),
		/** How many times it was answered (the second answer replaces the first, once). */
		answers: integer('answers').notNull().default(0),
		tags: jsonb('tags').$type<string[]>().notNull().default([])
	},
	(t) => [
		uniqueIndex('feedback_requests_member_subject_unique').on(t.memberId, t.kind, t.subject),
		index('feedback_requests_member_sent_idx').on(t.memberId, t.sentAt),
		index('feedback_requests_event_idx').on(t.eventId),
		index('feedback_requests_answered_idx').on(t.answeredAt),
		check('feedback_requests_score_range', sql`${t.score} IS NULL OR (${t.score} >= 0 AND ${t.score} <= 10)`),
		check('feedback_requests_comment_length', sql`${t.comment} IS NULL OR char_length(${t.comment}) <= 2000`),
		check('feedback_requests_answers_range', sql`${t.answers} >= 0 AND ${t.answers} <= 2`)
	]
);

export type FeedbackRequest = typeof feedbackRequests.$inferSelect;

/** The house's settings for asking: a single row. */
export const feedbackSettings = pgTable(
	'feedback_settings',
	{
		id: integer('id').primaryKey().default(1),
		/** At most one request per member in this many days. */
		gapDays: integer('gap_days').notNull().default(7),
		/** The relationship survey at most this often per member. */
		npsGapDays: integer('nps_gap_days').notNull().default(90),
		/** House-local hour of the morning after a check-in when the question goes out. */
		morningHour: integer('morning_hour').notNull().default(10),
		/** Last run of the scheduled asks (what it looked at up to). */
		scannedUntil: timestamp('scanned_until', { withTimezone: true }),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('feedback_settings_single_row', sql`${t.id} = 1`),
		check('feedback_settings_gap_range', sql`${t.gapDays} >= 0 AND ${t.gapDays} <= 365`),
		check('feedback_settings_nps_range', sql`${t.npsGapDays} >= 30 AND ${t.npsGapDays} <= 730`),
		check('feedback_settings_hour_range', sql`${t.morningHour} >= 0 AND ${t.morningHour} <= 23`)
	]
);

/** A "you said, we did" note sent to every member who gave feedback tagged with a theme. */
export const feedbackNotes = pgTable('feedback_notes', {
	id: serial('id').primaryKey(),
	theme: text('theme').notNull(),
	body: text('body').notNull(),
	recipients: integer('recipients').notNull().default(0),
	createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});
