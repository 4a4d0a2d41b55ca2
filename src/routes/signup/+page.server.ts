import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { signUp, signUpSchema } from '$lib/server/accounts';
import { safeNext, setSessionCookie } from '$lib/server/auth';
import { formValues, parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
};

export const actions: Actions = {
	default: async ({ request, cookies, getClientAddress, url }) => {
		const form = await readForm(request);
		const values = formValues(form);
		const parsed = parseForm(signUpSchema, form);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values });
		const result = await signUp(getDb(), parsed.data, getClientAddress(), request.headers.get('user-agent'));
		if (!result.ok) return fail(result.status, { errors: result.errors, values });
		setSessionCookie(cookies, result.value.token, result.value.expiresAt);
		redirect(303, safeNext(url.searchParams.get('next'), '/me?welcome=1'));
	}
};
