import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { listPolls, isEligible, pollPhase, memberRank, tierNames } from '$lib/server/polls';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = getDb();
	const [polls, rank, names] = await Promise.all([
		listPolls(db, user.id),
		memberRank(db, user.id),
		tierNames(db)
	]);
	const now = new Date();
	const view = polls.map((p) => ({
		id: p.id,
		question: p.question,
		kind: p.kind,
		phase: pollPhase(p, now),
		opensAt: p.opensAt.toISOString(),
		closesAt: p.closesAt.toISOString(),
		voted: p.voted,
		eligible: isEligible(p, rank),
		eligibleTiers: p.eligibleRanks.map((r) => names[r] ?? `rank ${r}`),
		ballots: p.ballots,
		hasOutcome: p.outcomeNote !== null
	}));
	return {
		open: view.filter((p) => p.phase === 'open'),
		upcoming: view.filter((p) => p.phase === 'upcoming'),
		closed: view.filter((p) => p.phase === 'closed').slice(0, 20)
	};
};
