import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { acceptInvitation, declineInvitation, invitationsFor } from '$lib/server/board';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { idFrom } from '$lib/server/forms';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const now = new Date();
	const rows = await invitationsFor(getDb(), user.id);
	const view = rows.map(({ invitation: i, board: b }) => ({
		id: i.id,
		status: i.status,
		expired: i.status === 'pending' && i.deadline <= now,
		full: b.seatsTaken >= b.seats,
		deadline: i.deadline.toISOString(),
		declineReason: i.declineReason,
		board: {
			id: b.id,
			name: b.name,
			purpose: b.purpose,
			seats: b.seats,
			seatsTaken: b.seatsTaken,
			termEndsAt: b.termEndsAt.toISOString()
		}
	}));
	return {
		pending: view.filter((v) => v.status === 'pending'),
		boards: view.filter((v) => v.status === 'accepted'),
		declined: view.filter((v) => v.status === 'declined')
	};
};

function invitationId(form: FormData): number {
	const id = idFrom(form.get('invitation')) ?? 0;
	return Number.isInteger(id) && id > 0 && id < 2_147_483_647 ? id : 0;
}

export const actions: Actions = {
	accept: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const id = invitationId(form);
		const result = await acceptInvitation(getDb(), id, user.id);
		if (!result.ok)
			return fail(result.code === 'not_found' ? 404 : 409, { invitation: id, message: result.message });
		return { invitation: id, accepted: true };
	},
	decline: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const id = invitationId(form);
		const reason = String(form.get('reason') ?? '');
		const result = await declineInvitation(getDb(), id, user.id, reason);
		if (!result.ok)
			return fail(result.code === 'invalid' ? 400 : 409, { invitation: id, message: result.message, reason });
		return { invitation: id, declined: true };
	}
};
