import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import {
	listIdeasForStaff,
	pollsAcceptingOptions,
	isIdeaStatus,
	IDEA_STATUSES,
	setIdeaStatus,
	STATUS_LABEL,
	takeIdeaIntoPoll
} from '$lib/server/ideas';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { idFrom } from '$lib/server/forms';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const filter = event.url.searchParams.get('status');
	const status = isIdeaStatus(filter) ? filter : null;
	const [rows, polls] = await Promise.all([listIdeasForStaff(db, status), pollsAcceptingOptions(db)]);
	return {
		status,
		statuses: IDEA_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] })),
		ideas: rows.map((r) => ({
			id: r.id,
			title: r.title,
			body: r.body,
			status: r.status,
			statusLabel: STATUS_LABEL[r.status],
			declineReason: r.declineReason,
			pollId: r.pollId,
			author: r.author,
			supporters: r.supporters,
			createdAt: r.createdAt.toISOString()
		})),
		polls: polls.map((p) => ({ id: p.id, question: p.question }))
	};
};

function ideaId(form: FormData): number {
	const id = idFrom(form.get('idea')) ?? 0;
	return Number.isInteger(id) && id > 0 && id < 2_147_483_647 ? id : 0;
}

export const actions: Actions = {
	status: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const id = ideaId(form);
		const status = String(form.get('status') ?? '');
		const reason = String(form.get('reason') ?? '');
		if (!isIdeaStatus(status) || status === 'in_poll')
			return fail(400, {
				idea: id,
				errors: { status: 'Choose a status.' } as Record<string, string>,
				values: { reason }
			});
		const result = await setIdeaStatus(getDb(), id, status, reason, staff.id);
		if (!result.ok) return fail(400, { idea: id, errors: result.errors, values: { reason } });
		return { idea: id, saved: 'status' };
	},
	intoPoll: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const id = ideaId(form);
		const pollId = idFrom(form.get('pollId')) ?? 0;
		const label = String(form.get('label') ?? '');
		if (!Number.isInteger(pollId) || pollId <= 0)
			return fail(400, {
				idea: id,
				errors: { pollId: 'Choose a poll.' } as Record<string, string>,
				values: { label }
			});
		const result = await takeIdeaIntoPoll(getDb(), id, pollId, label, staff.id);
		if (!result.ok) return fail(400, { idea: id, errors: result.errors, values: { label } });
		return { idea: id, saved: 'poll' };
	}
};
