// Co-creation: polls and ballots, ideas and their supporters, advisory boards with invitations,
// discussion and sessions. Shared columns and helpers come from ./core.
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	primaryKey,
	serial,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { timestamps, users } from './core';

// Polls ------------------------------------------------------------------------------------------

export const pollKind = pgEnum('poll_kind', ['single', 'multiple', 'ranked']);
export const pollResultsVisibility = pgEnum('poll_results_visibility', [
	'after_vote',
	'after_close',
	'staff_only'
]);

export const polls = pgTable(
	'polls',
	{
		id: serial('id').primaryKey(),
		question: text('question').notNull(),
		description: text('description').notNull().default(''),
		imageUrl: text('image_url'),
		kind: pollKind('kind').notNull(),
		/** Multiple: most options a ballot may tick. Ranked: most options a ballot may rank (null: all). */
		maxChoices: integer('max_choices'),
		/** Tier ranks that may vote; empty = every member. */
		eligibleRanks: jsonb('eligible_ranks').$type<number[]>().notNull().default([]),
		opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
		closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
		resultsVisibility: pollResultsVisibility('results_visibility').notNull().default('after_vote'),
		/** rank → whole-number weight of a ballot; null = every ballot counts once. */
		tierWeights: jsonb('tier_weights').$type<Record<string, number>>(),
		allowChange: boolean('allow_change').notNull().default(false),
		outcomeNote: text('outcome_note'),
		outcomePublishedAt: timestamp('outcome_published_at', { withTimezone: true }),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		...timestamps
	},
	(t) => [
		check('polls_closes_after_opens', sql`${t.closesAt} > ${t.opensAt}`),
		check('polls_max_choices_positive', sql`${t.maxChoices} IS NULL OR ${t.maxChoices} >= 1`),
		index('polls_closes_idx').on(t.closesAt)
	]
);

export const pollOptions = pgTable(
	'poll_options',
	{
		id: serial('id').primaryKey(),
		pollId: integer('poll_id')
			.notNull()
			.references(() => polls.id, { onDelete: 'cascade' }),
		label: text('label').notNull(),
		imageUrl: text('image_url'),
		position: integer('position').notNull(),
		/** The idea this option came from, if any. */
		ideaId: integer('idea_id')
	},
	(t) => [index('poll_options_poll_idx').on(t.pollId, t.position)]
);

/**
 * One ballot per member per poll (the unique index is the rule). `choices` are option ids in the
 * member's order of preference (ranked) or as ticked (single, multiple).
 */
export const pollBallots = pgTable(
	'poll_ballots',
	{
		id: serial('id').primaryKey(),
		pollId: integer('poll_id')
			.notNull()
			.references(() => polls.id, { onDelete: 'cascade' }),
		memberId: uuid('member_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		choices: integer('choices').array().notNull(),
		/** The member's tier rank and the ballot's weight when it was cast. */
		rank: integer('rank').notNull(),
		weight: integer('weight').notNull().default(1),
		...timestamps
	},
	(t) => [
		uniqueIndex('poll_ballots_one_per_member').on(t.pollId, t.memberId),
		index('poll_ballots_member_idx').on(t.memberId),
		check('poll_ballots_weight_positive', sql`${t.weight} >= 1`),
		check('poll_ballots_choices_present', sql`cardinality(${t.choices}) >= 1`)
	]
);

export type Poll = typeof polls.$inferSelect;
export type PollOption = typeof pollOptions.$inferSelect;
export type PollBallot = typeof pollBallots.$inferSelect;

// Ideas ------------------------------------------------------------------------------------------

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

// Advisory boards --------------------------------------------------------------------------------

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
