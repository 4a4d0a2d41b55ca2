import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { adjustmentSchema, adjustPoints } from '$lib/server/loyalty';
import { formValues, parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = (event) => {
	requireStaff(event);
	return { requestId: crypto.randomUUID(), email: event.url.searchParams.get('email') ?? '' };
};

export const actions: Actions = {
	default: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const values = formValues(form);
		const parsed = parseForm(adjustmentSchema, form);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values });
		const outcome = await adjustPoints(getDb(), parsed.data, staff.id);
		if (!outcome.ok) return fail(400, { errors: outcome.errors, values });
		const { result } = outcome;
		return {
			done: {
				name: outcome.memberName,
				points: result.entry.points,
				duplicate: result.status === 'duplicate',
				tierChange: result.status === 'recorded' ? result.tierChange : null
			}
		};
	}
};
