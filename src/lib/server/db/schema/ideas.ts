// Fans' ideas and who supports them; staff can turn an idea into a poll option.
import { sql } from 'drizzle-orm';
import {
	check,
	index,
	integer,
	pgEnum,
	pgTable,
	primaryKey,
	serial,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import { timestamps, users } from './accounts';
import { polls } from './polls';

export const ideaStatus = pgEnum('idea_status', ['received', 'under_review', 'in_poll', 'done', 'declined']);

export const ideas = pgTable(
	'ideas',
	{
		id: serial('id').primaryKey(),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		body: text('body').notNull().default(''),
		status: ideaStatus('status').notNull().default('received'),
		declineReason: text('decline_reason'),
		/** The poll it was taken into. */
		pollId: integer('poll_id').references(() => polls.id, { onDelete: 'set null' }),
		...timestamps
	},
	(t) => [
		index('ideas_status_idx').on(t.status, t.createdAt),
		index('ideas_member_idx').on(t.memberId),
		check(
			'ideas_declined_has_reason',
			sql`${t.status} <> 'declined' OR coalesce(length(${t.declineReason}), 0) > 0`
		)
	]
);

export const ideaSupports = pgTable(
	'idea_supports',
	{
		ideaId: integer('idea_id')
			.notNull()
			.references(() => ideas.id, { onDelete: 'cascade' }),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.ideaId, t.memberId] })]
);

export type Idea = typeof ideas.$inferSelect;

export type IdeaStatus = (typeof ideaStatus.enumValues)[number];
