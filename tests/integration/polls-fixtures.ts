// Shared fixtures for the co-creation tests (polls, ideas, board): members in bulk and polls.
import type { Database } from '$lib/server/db/connect';
import { users } from '$lib/server/db/schema';
import { createPoll } from '$lib/server/polls/store';
import type { NewPoll } from '$lib/server/polls/form';
import { unique } from './harness';

/** Members inserted in one statement (no password hashing: they never sign in). */
export async function newMembers(db: Database, n: number, role: 'fan' | 'staff' = 'fan'): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < n; i += 500) {
		const rows = await db
			.insert(users)
			.values(
				Array.from({ length: Math.min(500, n - i) }, () => ({
					email: `${unique('m')}@example.com`,
					displayName: 'Member',
					passwordHash: 'x',
					role
				}))
			)
			.returning({ id: users.id });
		ids.push(...rows.map((r) => r.id));
	}
	return ids;
}

export const HOUR = 3600_000;

export function pollInput(overrides: Partial<NewPoll> = {}): NewPoll {
	const now = Date.now();
	return {
		question: 'Which song closes the show?',
		description: '',
		imageUrl: null,
		kind: 'single',
		maxChoices: null,
		options: [
			{ label: 'Lanterns', imageUrl: null },
			{ label: 'Tram Depot', imageUrl: null },
			{ label: 'Owl Song', imageUrl: null }
		],
		eligibleRanks: [],
		opensAt: new Date(now - HOUR),
		closesAt: new Date(now + 24 * HOUR),
		resultsVisibility: 'after_vote',
		tierWeights: null,
		allowChange: false,
		...overrides
	};
}

export async function newPoll(db: Database, staffId: string, overrides: Partial<NewPoll> = {}) {
	return createPoll(db, pollInput(overrides), staffId);
}
