import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { formValues } from '$lib/server/forms';
import { previewBody, tierOptions, runDropsDueWork, saveDrop, parseDropForm } from '$lib/server/drops';
import { houseTimeZone } from '$lib/server/house';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { newSubmissionKey, submissionKeyOf, submitOnce } from '$lib/server/submit-once';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	return { tiers: await tierOptions(getDb()), zone: houseTimeZone(), submission: newSubmissionKey() };
};

export const actions: Actions = {
	save: async (event) => {
		const staff = requireStaff(event);
		const db = getDb();
		const form = await readForm(event);
		const values = formValues(form);
		const now = new Date();
		const parsed = parseDropForm(form, await tierOptions(db), now, houseTimeZone());
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values, previewHtml: null });
		let errors: Record<string, string> = {};
		const to = await submitOnce(
			db,
			{ kind: 'drop', key: submissionKeyOf(form), actorId: staff.id },
			async () => {
				const result = await saveDrop(db, { input: parsed.data, actorId: staff.id, now });
				if (!result.ok) {
					errors = result.errors;
					return null;
				}
				if (result.wentLive) await runDropsDueWork(db, now);
				return `/staff/drops/${result.drop.id}?saved=${parsed.data.intent}`;
			}
		);
		if (!to) return fail(400, { errors, values, previewHtml: null });
		redirect(303, to);
	},
	preview: async (event) => {
		requireStaff(event);
		const form = await readForm(event);
		const values = formValues(form);
		return { errors: {}, values, previewHtml: await previewBody(getDb(), values.body ?? '', null) };
	}
};
