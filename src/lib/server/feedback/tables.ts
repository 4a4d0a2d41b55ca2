// The staff tables of scores as rows of cells: the page and its CSV read the same. Pure.
import type { ScoreRow } from './stats';

export const SCORE_HEADER = [
	'Group',
	'Asked',
	'Answered',
	'Response rate %',
	'Satisfaction (1–5)',
	'Satisfaction answers',
	'NPS',
	'Promoters',
	'Passives',
	'Detractors'
];

export function scoreCells(r: ScoreRow): (string | number | null)[] {
	return [
		r.label,
		r.sent,
		r.answered,
		r.responseRate,
		r.satisfaction,
		r.satisfactionResponses,
		r.nps,
		r.promoters,
		r.passives,
		r.detractors
	];
}

export const SCORE_VIEWS = ['tier', 'event', 'drop', 'month'] as const;
export type ScoreView = (typeof SCORE_VIEWS)[number];
