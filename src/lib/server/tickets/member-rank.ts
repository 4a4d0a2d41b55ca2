// Members' effective ranks for a window's eligibility, and the wording of a window's audience.
import type { Queryable } from '../db';
import { getStanding, getStandings, type Standing } from '../loyalty';
import { audienceOf } from './window-state';

function rankAndAudience(standing: Standing) {
	const top = standing.ladder.at(-1)?.rank ?? 0;
	const audience = (minRank: number) =>
		audienceOf(standing.ladder.find((t) => t.rank === minRank)?.name ?? 'a higher tier', minRank, top);
	return { rank: standing.tier.rank, audience };
}

export async function standingFor(db: Queryable, memberId: string, now: Date) {
	return rankAndAudience(await getStanding(db, memberId, now));
}

/** The same for many members at once, in one read (a batch of claims). */
export async function standingsFor(db: Queryable, memberIds: readonly string[], now: Date) {
	const standings = await getStandings(db, memberIds, now);
	return new Map([...standings].map(([id, s]) => [id, rankAndAudience(s)]));
}
