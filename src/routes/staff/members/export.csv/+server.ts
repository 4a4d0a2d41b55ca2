// The current filter as CSV, every page of it, streamed in chunks. Staff only, audited (who, which
// filter, how many rows) before the first byte goes out.
import { error } from '@sveltejs/kit';
import { audit } from '$lib/server/audit';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { houseTimeZone } from '$lib/server/house';
import { calendarDay } from '$lib/time';
import { loadLadder } from '$lib/server/loyalty';
import { csvRow, csvRows } from '$lib/server/csv';
import { membersParams, parseMembersFilter, allMembers, countMembers } from '$lib/server/members';
import type { RequestHandler } from './$types';

const HEADER = [
	'id',
	'name',
	'email',
	'role',
	'email_verified',
	'tier',
	'route',
	'points_12m',
	'engagements_90d',
	'last_activity_at',
	'joined_at'
];

export const GET: RequestHandler = async (event) => {
	const staff = requireStaff(event);
	const { filter, errors } = parseMembersFilter(event.url.searchParams);
	if (Object.keys(errors).length) error(400, Object.values(errors)[0]);
	const db = getDb();
	const now = new Date();
	const [ladder, rows] = await Promise.all([loadLadder(db), countMembers(db, filter, now)]);
	const names = new Map(ladder.map((t) => [t.rank, t.name]));
	await audit(db, {
		actorId: staff.id,
		action: 'members.exported',
		subjectType: 'members',
		details: { rows, filter: membersParams(filter, { page: 1 }).toString() }
	});
	const encoder = new TextEncoder();
	const chunks = allMembers(db, { ...filter, page: 1 }, now);
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(encoder.encode(csvRow(HEADER)));
		},
		async pull(controller) {
			const next = await chunks.next();
			if (next.done) return controller.close();
			const text = csvRows(
				next.value.map((m) => [
					m.id,
					m.displayName,
					m.email,
					m.role,
					m.verified,
					names.get(m.rank) ?? m.rank,
					m.paid ? 'paid' : m.rank > 0 ? 'earned' : '',
					m.points12m,
					m.engagements90d,
					m.lastActivityAt,
					m.joinedAt
				])
			);
			controller.enqueue(encoder.encode(text));
		},
		async cancel() {
			await chunks.return(undefined);
		}
	});
	const stamp = calendarDay(now, houseTimeZone());
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="members-${stamp}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
