// A small history, computed by hand in the insights unit tests.
import type { EngagementFact, MemberFact, TierChangeFact } from '$lib/server/insights/metrics';

export const members: MemberFact[] = [
	{ id: 'A', joined: '2026-01-01' },
	{ id: 'B', joined: '2026-01-01' },
	{ id: 'C', joined: '2026-02-10' },
	{ id: 'D', joined: '2026-03-05' }
];

const change = (
	memberId: string,
	day: string,
	seq: number,
	fromRank: number,
	toRank: number,
	route: string
) => ({
	memberId,
	day,
	seq,
	fromRank,
	toRank,
	route
});

export const changes: TierChangeFact[] = [
	change('A', '2026-01-15', 1, 0, 1, 'earned'),
	change('B', '2026-02-01', 2, 0, 1, 'earned'),
	change('C', '2026-02-10', 3, 0, 1, 'earned'),
	change('A', '2026-02-20', 5, 1, 2, 'paid'),
	change('D', '2026-03-05', 6, 0, 3, 'paid'),
	change('B', '2026-03-15', 7, 1, 2, 'earned'),
	change('C', '2026-03-20', 8, 1, 0, 'earned'),
	change('A', '2026-04-10', 9, 2, 1, 'earned')
];

export const engagements: EngagementFact[] = [
	{ memberId: 'A', kind: 'daily_visit', day: '2026-03-02' },
	{ memberId: 'B', kind: 'staff_adjustment', day: '2026-03-20' },
	{ memberId: 'C', kind: 'poll_vote', day: '2026-03-01' },
	{ memberId: 'D', kind: 'drop_opened', day: '2026-03-31' }
];
