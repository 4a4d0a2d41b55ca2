import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { changePassword, updateDisplayName } from '$lib/server/accounts';
import { requireUser, deleteSessionCookie, invalidateAllSessions, setSessionCookie } from '$lib/server/auth';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = (event) => {
	requireUser(event);
	return { saved: event.url.searchParams.get('saved') };
};

const profileSchema = z.object({
	displayName: z
		.string()
		.trim()
		.min(1, 'Tell us what to call you.')
		.max(60, 'Keep your name under 60 characters.')
});

const passwordSchema = z.object({
	current: z.string().min(1, 'Enter your current password.'),
	password: z.string().min(1, 'Choose a new password.')
});

export const actions: Actions = {
	profile: async (event) => {
		const user = requireUser(event);
		const parsed = parseForm(profileSchema, await readForm(event));
		if (!parsed.ok) return fail(400, { action: 'profile', errors: parsed.errors });
		await updateDisplayName(getDb(), user.id, parsed.data.displayName);
		return { action: 'profile', saved: true, errors: {} as Record<string, string> };
	},
	password: async (event) => {
		const user = requireUser(event);
		const parsed = parseForm(passwordSchema, await readForm(event));
		if (!parsed.ok) return fail(400, { action: 'password', errors: parsed.errors });
		const result = await changePassword(
			getDb(),
			user.id,
			parsed.data.current,
			parsed.data.password,
			event.request.headers.get('user-agent')
		);
		if (!result.ok) return fail(result.status, { action: 'password', errors: result.errors });
		setSessionCookie(event.cookies, result.value.token, result.value.expiresAt);
		return { action: 'password', saved: true, errors: {} as Record<string, string> };
	},
	signOutEverywhere: async (event) => {
		const user = requireUser(event);
		await invalidateAllSessions(getDb(), user.id);
		deleteSessionCookie(event.cookies);
		redirect(303, '/login?signedOut=1');
	}
};
