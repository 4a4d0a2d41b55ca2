import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requestPasswordReset, resetRequestSchema } from '$lib/server/accounts';
import { formValues, parseForm } from '$lib/server/forms';
import type { Actions } from './$types';
import { readForm } from '$lib/server/http';

export const actions: Actions = {
	default: async ({ request, getClientAddress }) => {
		const form = await readForm(request);
		const values = formValues(form);
		const parsed = parseForm(resetRequestSchema, form);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values, sent: false });
		const result = await requestPasswordReset(getDb(), parsed.data.email, getClientAddress());
		if (!result.ok) return fail(result.status, { errors: result.errors, values, sent: false });
		return { sent: true, values, errors: {} as Record<string, string> };
	}
};
