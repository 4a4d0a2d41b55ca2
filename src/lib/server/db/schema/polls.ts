// Co-creation polls: the polls, their options and one ballot per member.
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
import { timestamps, users } from './accounts';

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
