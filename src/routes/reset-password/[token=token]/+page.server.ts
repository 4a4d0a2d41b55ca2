import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { newPasswordSchema, resetPassword } from '$lib/server/accounts';
import { peekEmailToken, setSessionCookie } from '$lib/server/auth';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	setHeaders({ 'referrer-policy': 'no-referrer' }); // keep the token out of Referer headers
	const token = await peekEmailToken(getDb(), params.token, 'reset_password');
	return { valid: !!token };
};

export const actions: Actions = {
	default: async ({ request, params, cookies }) => {
		const form = await readForm(request);
		const parsed = parseForm(newPasswordSchema, form);
		if (!parsed.ok) return fail(400, { errors: parsed.errors });
		const result = await resetPassword(
			getDb(),
			params.token,
			parsed.data.password,
			request.headers.get('user-agent')
		);
		if (!result.ok) return fail(result.status, { errors: result.errors });
		setSessionCookie(cookies, result.value.token, result.value.expiresAt);
		redirect(303, '/me?passwordChanged=1');
	}
};
