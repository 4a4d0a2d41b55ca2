import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { BODY_MAX, listIdeasFor, setSupport, STATUS_LABEL, submitIdea, TITLE_MAX } from '$lib/server/ideas';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { idFrom } from '$lib/server/forms';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const rows = await listIdeasFor(getDb(), user.id);
	const view = rows.map((r) => ({
		id: r.id,
		title: r.title,
		body: r.body,
		status: r.status,
		statusLabel: STATUS_LABEL[r.status],
		declineReason: r.declineReason,
		pollId: r.pollId,
		createdAt: r.createdAt.toISOString(),
		author: r.author,
		supporters: r.supporters,
		supported: r.supported,
		mine: r.memberId === user.id
	}));
	return {
		mine: view.filter((i) => i.mine),
		others: view.filter((i) => !i.mine).sort((a, b) => b.supporters - a.supporters),
		canSubmit: user.emailVerifiedAt !== null,
		limits: { title: TITLE_MAX, body: BODY_MAX }
	};
};

function ideaId(form: FormData): number | null {
	const id = idFrom(form.get('idea')) ?? 0;
	return Number.isInteger(id) && id > 0 && id < 2_147_483_647 ? id : null;
}

export const actions: Actions = {
	submit: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const values = { title: String(form.get('title') ?? ''), body: String(form.get('body') ?? '') };
		if (!user.emailVerifiedAt)
			return fail(403, {
				errors: { form: 'Confirm your email address first (see Home).' } as Record<string, string>,
				values
			});
		const result = await submitIdea(getDb(), user.id, values);
		if (!result.ok) return fail(result.errors.form ? 429 : 400, { errors: result.errors, values });
		return { submitted: true };
	},
	support: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const id = ideaId(form);
		if (!id) return fail(400, { supportError: 'This idea does not exist.', idea: 0 });
		const result = await setSupport(getDb(), id, user.id, form.get('support') === 'yes');
		if (!result.ok) return fail(400, { supportError: result.message, idea: id });
		return { supportedIdea: id };
	}
};
