// Churn risk: each member's probability of leaving their tier in the next 30 days, with the three
// features that pushed it most, and each fitted model with its held-out accuracy (the insights panel).
import { sql } from 'drizzle-orm';
import {
	boolean,
	doublePrecision,
	index,
	integer,
	jsonb,
	pgTable,
	serial,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import { users } from './accounts';

/** One reason behind a score: a feature, its value and its pull on the log-odds. */
export interface ChurnReason {
	feature: string;
	value: number;
	contribution: number;
}

/** A decile of the held-out period: members scored, mean predicted risk, share that left. */
export interface ChurnDecile {
	decile: number;
	members: number;
	predicted: number;
	actual: number;
}

export const churnModels = pgTable('churn_models', {
	id: serial('id').primaryKey(),
	fittedAt: timestamp('fitted_at', { withTimezone: true }).notNull(),
	/** House day the model was fitted for: one fit per day, claimed by inserting it. */
	day: text('day').notNull().unique(),
	/** Feature name → weight on standardised values, plus the intercept under "intercept". */
	weights: jsonb('weights').$type<Record<string, number>>().notNull(),
	/** Feature name → [mean, standard deviation] the weights were fitted on. */
	scaling: jsonb('scaling').$type<Record<string, [number, number]>>().notNull(),
	/** Too little history: the prior's weights, shrunk towards by the fit. */
	prior: boolean('prior').notNull(),
	trainingRows: integer('training_rows').notNull(),
	trainingLeavers: integer('training_leavers').notNull(),
	/** Area under the ROC curve on the held-out period; null when that period had no leavers. */
	auc: doublePrecision('auc'),
	calibration: jsonb('calibration').$type<ChurnDecile[]>().notNull().default([]),
	/** Of the members who left in the held-out period, how many scored at or above the threshold. */
	leavers: integer('leavers').notNull().default(0),
	leaversFlagged: integer('leavers_flagged').notNull().default(0)
});

export const churnScores = pgTable(
	'churn_scores',
	{
		memberId: uuid('member_id')
			.primaryKey()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** Probability of leaving their tier in the next 30 days, 0–1. */
		score: doublePrecision('score').notNull(),
		reasons: jsonb('reasons').$type<ChurnReason[]>().notNull(),
		modelId: integer('model_id').references(() => churnModels.id, { onDelete: 'set null' }),
		scoredAt: timestamp('scored_at', { withTimezone: true }).notNull(),
		/** When the win-back moment was posted for the current risk spell (cleared when risk falls). */
		winBackAt: timestamp('win_back_at', { withTimezone: true })
	},
	(t) => [index('churn_scores_score_idx').on(sql`${t.score} desc`, t.memberId)]
);

export type ChurnModel = typeof churnModels.$inferSelect;
export type ChurnScore = typeof churnScores.$inferSelect;
