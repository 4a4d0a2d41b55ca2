// Poll rules that need no database: when a poll is open, who may vote, who may see results and
// what a ballot weighs. The pages and the vote transaction both ask these.
import type { Poll } from '../db/schema';

export type PollPhase = 'upcoming' | 'open' | 'closed';

type Timed = Pick<Poll, 'opensAt' | 'closesAt'>;

export function pollPhase(poll: Timed, now = new Date()): PollPhase {
	if (now < poll.opensAt) return 'upcoming';
	if (now >= poll.closesAt) return 'closed';
	return 'open';
}

/** Empty list: every member may vote. */
export function isEligible(poll: Pick<Poll, 'eligibleRanks'>, rank: number): boolean {
	return poll.eligibleRanks.length === 0 || poll.eligibleRanks.includes(rank);
}

/** Whole-number weight of a ballot cast at `rank`; 1 when the poll is unweighted or the tier has none. */
export function ballotWeight(poll: Pick<Poll, 'tierWeights'>, rank: number): number {
	const w = poll.tierWeights?.[String(rank)];
	return typeof w === 'number' && Number.isInteger(w) && w >= 1 ? w : 1;
}

export interface Viewer {
	isStaff: boolean;
	hasVoted: boolean;
}

/** Staff always see results; fans per the poll's setting. */
export function canSeeResults(
	poll: Timed & Pick<Poll, 'resultsVisibility'>,
	viewer: Viewer,
	now = new Date()
): boolean {
	if (viewer.isStaff) return true;
	const closed = pollPhase(poll, now) === 'closed';
	switch (poll.resultsVisibility) {
		case 'after_vote':
			return viewer.hasVoted || closed;
		case 'after_close':
			return closed;
		case 'staff_only':
			return false;
	}
}

export function visibilityText(visibility: Poll['resultsVisibility']): string {
	switch (visibility) {
		case 'after_vote':
			return 'Results show once you have voted.';
		case 'after_close':
			return 'Results show when the poll closes.';
		case 'staff_only':
			return 'Results are kept by the team; the outcome is shared when the poll closes.';
	}
}
