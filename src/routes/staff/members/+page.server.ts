import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { loadLadder } from '$lib/server/loyalty';
import { membersParams, parseMembersFilter, listMembers } from '$lib/server/members';
import { describeSegment } from '$lib/server/segments';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const { filter, errors } = parseMembersFilter(event.url.searchParams);
	const [ladder, result] = await Promise.all([loadLadder(db), listMembers(db, filter)]);
	const tierNames = Object.fromEntries(ladder.map((t) => [t.rank, t.name]));
	const link = (page: number) => `?${membersParams(filter, { page })}`;
	return {
		filter,
		errors,
		// What was typed, even when invalid, so the field shows it beside its message.
		values: Object.fromEntries([...event.url.searchParams].filter(([k]) => k !== 'tiers')),
		tiers: ladder.map((t) => ({ rank: t.rank, name: t.name, colour: t.colour })),
		segmentText: describeSegment(filter.segment, tierNames),
		total: result.total,
		capped: result.capped,
		pages: result.pages,
		asOf: result.asOf?.toISOString() ?? null,
		members: result.members.map((m) => ({
			...m,
			joinedAt: m.joinedAt.toISOString(),
			lastActivityAt: m.lastActivityAt?.toISOString() ?? null
		})),
		previous: filter.page > 1 ? link(filter.page - 1) : null,
		next: filter.page < result.pages ? link(filter.page + 1) : null,
		exportHref: `/staff/members/export.csv?${membersParams(filter, { page: 1 })}`
	};
};
