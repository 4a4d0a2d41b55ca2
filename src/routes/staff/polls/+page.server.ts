import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { listPolls, pollPhase } from '$lib/server/polls';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const now = new Date();
	const polls = await listPolls(getDb(), null);
	return {
		polls: polls.map((p) => ({
			id: p.id,
			question: p.question,
			kind: p.kind,
			phase: pollPhase(p, now),
			opensAt: p.opensAt.toISOString(),
			closesAt: p.closesAt.toISOString(),
			ballots: p.ballots,
			hasOutcome: p.outcomeNote !== null
		})),
		created: event.url.searchParams.get('created')
	};
};
