// Advisory boards: seats, invitations (never more accepted than seats), discussion and sessions
// with RSVPs.
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	index,
	integer,
	pgEnum,
	pgTable,
	primaryKey,
	serial,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { timestamps, users } from './accounts';

export const boards = pgTable(
	'boards',
	{
		id: serial('id').primaryKey(),
		name: text('name').notNull(),
		purpose: text('purpose').notNull().default(''),
		seats: integer('seats').notNull(),
		/** Accepted invitations; raised only by `seats_taken < seats` updates, so it cannot pass seats. */
		seatsTaken: integer('seats_taken').notNull().default(0),
		termEndsAt: timestamp('term_ends_at', { withTimezone: true }).notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		...timestamps
	},
	(t) => [
		check('boards_seats_positive', sql`${t.seats} >= 1`),
		check('boards_seats_not_overfilled', sql`${t.seatsTaken} >= 0 AND ${t.seatsTaken} <= ${t.seats}`)
	]
);

export const boardInvitationStatus = pgEnum('board_invitation_status', ['pending', 'accepted', 'declined']);

export const boardInvitations = pgTable(
	'board_invitations',
	{
		id: serial('id').primaryKey(),
		boardId: integer('board_id')
			.notNull()
			.references(() => boards.id, { onDelete: 'cascade' }),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		status: boardInvitationStatus('status').notNull().default('pending'),
		deadline: timestamp('deadline', { withTimezone: true }).notNull(),
		declineReason: text('decline_reason'),
		respondedAt: timestamp('responded_at', { withTimezone: true }),
		invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('board_invitations_one_per_member').on(t.boardId, t.memberId),
		index('board_invitations_member_idx').on(t.memberId, t.status)
	]
);

export const boardPosts = pgTable(
	'board_posts',
	{
		id: serial('id').primaryKey(),
		boardId: integer('board_id')
			.notNull()
			.references(() => boards.id, { onDelete: 'cascade' }),
		authorId: uuid('author_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** A reply's thread; replies are one level deep. */
		parentId: integer('parent_id'),
		/** Staff updates are shown apart from the discussion. */
		isUpdate: boolean('is_update').notNull().default(false),
		body: text('body').notNull(),
		pinned: boolean('pinned').notNull().default(false),
		hiddenAt: timestamp('hidden_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('board_posts_board_idx').on(t.boardId, t.createdAt)]
);

export const boardSessions = pgTable(
	'board_sessions',
	{
		id: serial('id').primaryKey(),
		boardId: integer('board_id')
			.notNull()
			.references(() => boards.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
		link: text('link').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('board_sessions_board_idx').on(t.boardId, t.startsAt)]
);

export const rsvpResponse = pgEnum('rsvp_response', ['yes', 'no', 'maybe']);

export const boardSessionRsvps = pgTable(
	'board_session_rsvps',
	{
		sessionId: integer('session_id')
			.notNull()
			.references(() => boardSessions.id, { onDelete: 'cascade' }),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		response: rsvpResponse('response').notNull(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.memberId] })]
);

export type Board = typeof boards.$inferSelect;

export type BoardInvitation = typeof boardInvitations.$inferSelect;

export type BoardPost = typeof boardPosts.$inferSelect;

export type BoardSession = typeof boardSessions.$inferSelect;
