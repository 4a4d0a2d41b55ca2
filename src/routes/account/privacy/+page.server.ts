import { error, fail, redirect } from '@sveltejs/kit';
import { requireUser, deleteSessionCookie, consume, retryMessage } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { parseForm } from '$lib/server/forms';
import { log } from '$lib/server/log';
import {
	DELETE_LIMIT,
	privacySettings,
	updateConsents,
	CONFIRM_PHRASE,
	deleteAccountSchema,
	requestAccountDeletion
} from '$lib/server/privacy';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const settings = await privacySettings(getDb(), user.id);
	if (!settings) error(404, 'Account not found.');
	return { ...settings, confirmPhrase: CONFIRM_PHRASE };
};

export const actions: Actions = {
	consents: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		await updateConsents(getDb(), user.id, {
			analytics: form.get('consentAnalytics') === 'on',
			marketing: form.get('consentMarketing') === 'on'
		});
		return { action: 'consents' as const, saved: true, errors: {} as Record<string, string> };
	},
	delete: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const values = { phrase: String(form.get('phrase') ?? '') };
		const parsed = parseForm(deleteAccountSchema, form);
		if (!parsed.ok) return fail(400, { action: 'delete' as const, errors: parsed.errors, values });
		const db = getDb();
		const limit = await consume(db, `delete:account:${user.id}`, DELETE_LIMIT);
		if (!limit.allowed) {
			return fail(429, {
				action: 'delete' as const,
				errors: { form: retryMessage(limit.retryAfterSeconds) },
				values
			});
		}
		let outcome;
		try {
			outcome = await requestAccountDeletion(db, user.id, parsed.data);
		} catch (err) {
			log.error('account deletion failed', { requestId: event.locals.requestId, error: String(err) });
			return fail(500, {
				action: 'delete' as const,
				errors: {
					form: `Something went wrong and your account was not deleted. Please try again (reference ${event.locals.requestId}).`
				},
				values
			});
		}
		if (!outcome.ok)
			return fail(outcome.status, { action: 'delete' as const, errors: outcome.errors, values });
		deleteSessionCookie(event.cookies);
		redirect(303, '/account/privacy/deleted');
	}
};
