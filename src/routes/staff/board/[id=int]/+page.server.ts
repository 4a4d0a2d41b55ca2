import { error, fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import {
	parseDeadline,
	parseSessionForm,
	addPost,
	addSession,
	getBoard,
	invitationsOfBoard,
	inviteSegment
} from '$lib/server/board';
import { formValues } from '$lib/server/forms';
import { loadLadder } from '$lib/server/loyalty';
import {
	describeSegment,
	EMPTY_FILTER,
	parseSegmentFilter,
	segmentParams,
	previewSegment
} from '$lib/server/segments';
import { houseTimeZone } from '$lib/server/house';
import { wallClock } from '$lib/time';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

function boardId(raw: string): number {
	const id = Number(raw);
	if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) error(404, 'Board not found');
	return id;
}

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const board = await getBoard(db, boardId(event.params.id));
	if (!board) error(404, 'Board not found');
	const ladder = await loadLadder(db);
	const names = Object.fromEntries(ladder.map((t) => [t.rank, t.name]));
	const params = event.url.searchParams;
	const previewing = params.has('preview');
	const parsed = parseSegmentFilter(params);
	const filter = parsed.ok ? parsed.filter : EMPTY_FILTER;
	const preview = previewing && parsed.ok ? await previewSegment(db, filter) : null;
	const invitations = await invitationsOfBoard(db, board.id);
	return {
		board: {
			id: board.id,
			name: board.name,
			purpose: board.purpose,
			seats: board.seats,
			seatsTaken: board.seatsTaken,
			termEndsAt: board.termEndsAt.toISOString()
		},
		tiers: ladder.map((t) => ({ rank: t.rank, name: t.name })),
		filterValues: Object.fromEntries(
			['minPoints', 'maxPoints', 'minEngagements90', 'minTenureDays', 'hasVoted', 'hasAttended'].map((k) => [
				k,
				params.get(k) ?? ''
			])
		),
		filterTiers: params.getAll('tiers'),
		filterErrors: previewing && !parsed.ok ? parsed.errors : {},
		filterParams: parsed.ok ? segmentParams(filter) : [],
		preview: preview && {
			description: describeSegment(filter, names),
			count: preview.count,
			members: preview.members.map((m) => ({
				id: m.id,
				name: m.displayName,
				email: m.email,
				tier: names[m.rank] ?? String(m.rank),
				points: m.points
			}))
		},
		defaultDeadline: wallClock(new Date(Date.now() + 7 * 86_400_000), houseTimeZone()),
		timeZone: houseTimeZone(),
		invitations: invitations.map((i) => ({
			id: i.id,
			name: i.name,
			email: i.email,
			status: i.status,
			expired: i.status === 'pending' && i.deadline <= new Date(),
			deadline: i.deadline.toISOString(),
			declineReason: i.declineReason
		}))
	};
};

export const actions: Actions = {
	invite: async (event) => {
		const staff = requireStaff(event);
		const id = boardId(event.params.id);
		const form = await readForm(event);
		const parsed = parseSegmentFilter(form);
		if (!parsed.ok) return fail(400, { inviteError: 'The segment is not valid: preview it again.' });
		const deadline = parseDeadline(String(form.get('deadline') ?? ''), houseTimeZone());
		if (!deadline.ok)
			return fail(400, {
				deadlineError: deadline.errors.deadline,
				deadline: String(form.get('deadline') ?? '')
			});
		const result = await inviteSegment(getDb(), {
			boardId: id,
			filter: parsed.filter,
			deadline: deadline.value,
			staffId: staff.id
		});
		return { invited: result.invited, alreadyInvited: result.alreadyInvited };
	},
	update: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const body = String(form.get('body') ?? '');
		const result = await addPost(getDb(), {
			boardId: boardId(event.params.id),
			authorId: staff.id,
			body,
			isUpdate: true
		});
		if (!result.ok) return fail(400, { updateErrors: result.errors, updateBody: body });
		return { posted: true };
	},
	session: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const values = formValues(form);
		const parsed = parseSessionForm(values, houseTimeZone());
		if (!parsed.ok) return fail(400, { sessionErrors: parsed.errors, sessionValues: values });
		await addSession(getDb(), { boardId: boardId(event.params.id), ...parsed.value, staffId: staff.id });
		return { sessionAdded: true };
	}
};
