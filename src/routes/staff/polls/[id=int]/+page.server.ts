import { error, fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import {
	closePollNow,
	getPoll,
	publishOutcome,
	pollPhase,
	visibilityText,
	loadResultsView,
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
	requireStaff(event);
	const db = getDb();
	const poll = await getPoll(db, pollId(event.params.id));
	if (!poll) error(404, 'Poll not found');
	const names = await tierNames(db);
	return {
		poll: pollSummaryView(poll),
		phase: pollPhase(poll, new Date()),
		eligibleTiers: poll.eligibleRanks.map((r) => names[r] ?? `rank ${r}`),
		weights: poll.tierWeights
			? Object.entries(poll.tierWeights).map(([rank, w]) => `${names[Number(rank)] ?? rank} ×${w}`)
			: [],
		visibility: visibilityText(poll.resultsVisibility),
		results: await loadResultsView(db, poll),
		created: event.url.searchParams.has('created')
	};
};

export const actions: Actions = {
	close: async (event) => {
		const staff = requireStaff(event);
		const closed = await closePollNow(getDb(), pollId(event.params.id), staff.id);
		if (!closed) return fail(409, { closeError: 'Only an open poll can be closed.' });
		return { closed: true };
	},
	outcome: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const note = String(form.get('note') ?? '').trim();
		if (note.length < 5 || note.length > 1000)
			return fail(400, {
				errors: { note: 'Write the outcome in 5 to 1,000 characters.' },
				values: { note }
			});
		const result = await publishOutcome(getDb(), pollId(event.params.id), note, staff.id);
		if (!result.ok) return fail(409, { errors: { note: result.message }, values: { note } });
		return { notified: result.notified };
	}
};
