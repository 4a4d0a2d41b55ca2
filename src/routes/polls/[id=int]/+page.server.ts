import { error, fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { isStaff, requireUser } from '$lib/server/auth';
import {
	type BallotInput,
	castBallot,
	getBallot,
	getPoll,
	canSeeResults,
	isEligible,
	pollPhase,
	visibilityText,
	loadResultsView,
	memberRank,
	pollSummaryView,
	tierNames
} from '$lib/server/polls';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

function pollId(raw: string): number {
	const id = Number(raw);
	if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) error(404, 'Poll not found');
	return id;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = getDb();
	const poll = await getPoll(db, pollId(event.params.id));
	if (!poll) error(404, 'Poll not found');
	const [ballot, rank, names] = await Promise.all([
		getBallot(db, poll.id, user.id),
		memberRank(db, user.id),
		tierNames(db)
	]);
	const now = new Date();
	const showResults = canSeeResults(poll, { isStaff: isStaff(user), hasVoted: !!ballot }, now);
	return {
		poll: pollSummaryView(poll),
		phase: pollPhase(poll, now),
		eligible: isEligible(poll, rank),
		eligibleTiers: poll.eligibleRanks.map((r) => names[r] ?? `rank ${r}`),
		myTier: names[rank] ?? '',
		ballot: ballot ? { choices: ballot.choices, updatedAt: ballot.updatedAt.toISOString() } : null,
		visibility: visibilityText(poll.resultsVisibility),
		results: showResults ? await loadResultsView(db, poll) : null,
		voted: event.url.searchParams.get('voted')
	};
};

export const actions: Actions = {
	vote: async (event) => {
		const user = requireUser(event);
		const db = getDb();
		const id = pollId(event.params.id);
		const poll = await getPoll(db, id);
		if (!poll) error(404, 'Poll not found');
		const form = await readForm(event);
		let input: BallotInput;
		let values: { choices: string[]; ranks: Record<string, string> };
		if (poll.kind === 'ranked') {
			const ranks: Record<string, string> = {};
			for (const [key, value] of form) {
				const m = /^rank-(.+)$/.exec(key);
				if (m && typeof value === 'string') ranks[m[1]] = value;
			}
			input = { ranks };
			values = { choices: [], ranks };
		} else {
			const choices = form.getAll('choice').filter((v): v is string => typeof v === 'string');
			input = { choices };
			values = { choices, ranks: {} };
		}
		const outcome = await castBallot(db, {
			pollId: id,
			memberId: user.id,
			rank: await memberRank(db, user.id),
			input
		});
		if (!outcome.ok) {
			const status = outcome.code === 'invalid' ? 400 : outcome.code === 'not_found' ? 404 : 409;
			return fail(status === 409 && outcome.code === 'ineligible' ? 403 : status, {
				message: outcome.message,
				errors: outcome.errors ?? {},
				values
			});
		}
		return { status: outcome.status };
	}
};
