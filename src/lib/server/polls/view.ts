// What the poll pages show, as plain serialisable data. Results are only built for viewers who
// may see them (rules.canSeeResults), so hidden counts never reach the HTML or __data.json.
import type { Queryable } from '../db';
import { loadLadder, getStanding } from '../loyalty';
import type { PollWithOptions, PollResults } from './store';
import { pollResults } from './store';

export interface ResultRow {
	optionId: number;
	label: string;
	votes: number;
	permille: number;
}

export interface ResultsView {
	kind: 'single' | 'multiple' | 'ranked';
	ballots: number;
	totalWeight: number;
	weighted: boolean;
	/** Single/multiple: the count. Ranked: first preferences. */
	rows: ResultRow[];
	runoff: {
		optionIds: number[];
		labels: Record<number, string>;
		rounds: {
			round: number;
			counts: Record<number, { votes: number; permille: number }>;
			exhausted: number;
			counted: number;
			eliminated: number | null;
			tieBreak: 'earlier_rounds' | 'poll_order' | null;
			winner: number | null;
		}[];
		winner: number | null;
		decidedByTieBreak: boolean;
	} | null;
}

export function resultsView(poll: PollWithOptions, results: PollResults): ResultsView {
	const labels = Object.fromEntries(poll.options.map((o) => [o.id, o.label]));
	return {
		kind: poll.kind,
		ballots: results.tally.ballots,
		totalWeight: results.tally.totalWeight,
		weighted: poll.tierWeights !== null && Object.keys(poll.tierWeights).length > 0,
		rows: results.tally.options.map((o) => ({ ...o, label: labels[o.optionId] ?? '?' })),
		runoff:
			results.kind === 'ranked'
				? {
						optionIds: poll.options.map((o) => o.id),
						labels,
						rounds: results.runoff.rounds.map((r) => ({
							round: r.round,
							counts: Object.fromEntries(
								r.counts.map((c) => [c.optionId, { votes: c.votes, permille: c.permille }])
							),
							exhausted: r.exhausted,
							counted: r.counted,
							eliminated: r.eliminated,
							tieBreak: r.tieBreak,
							winner: r.winner
						})),
						winner: results.runoff.winner,
						decidedByTieBreak: results.runoff.decidedByTieBreak
					}
				: null
	};
}

export async function loadResultsView(db: Queryable, poll: PollWithOptions): Promise<ResultsView> {
	return resultsView(poll, await pollResults(db, poll));
}

/** The member's tier rank right now (holds and paid tiers included): what eligibility reads. */
export async function memberRank(db: Queryable, memberId: string): Promise<number> {
	return (await getStanding(db, memberId)).progress.rank;
}

/** "Insider and Patron", for eligibility text. */
export async function tierNames(db: Queryable): Promise<Record<number, string>> {
	return Object.fromEntries((await loadLadder(db)).map((t) => [t.rank, t.name]));
}

export function pollSummaryView(poll: PollWithOptions) {
	return {
		id: poll.id,
		question: poll.question,
		description: poll.description,
		imageUrl: poll.imageUrl,
		kind: poll.kind,
		maxChoices: poll.maxChoices,
		eligibleRanks: poll.eligibleRanks,
		opensAt: poll.opensAt.toISOString(),
		closesAt: poll.closesAt.toISOString(),
		resultsVisibility: poll.resultsVisibility,
		allowChange: poll.allowChange,
		weighted: poll.tierWeights !== null && Object.keys(poll.tierWeights).length > 0,
		outcomeNote: poll.outcomeNote,
		outcomePublishedAt: poll.outcomePublishedAt?.toISOString() ?? null,
		options: poll.options.map((o) => ({ id: o.id, label: o.label, imageUrl: o.imageUrl }))
	};
}
