import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { formValues } from '$lib/server/forms';
import { previewBody, tierOptions, runDropsDueWork, saveDrop, parseDropForm } from '$lib/server/drops';
import { houseTimeZone } from '$lib/server/house';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	return { tiers: await tierOptions(getDb()), zone: houseTimeZone() };
};

export const actions: Actions = {
	save: async (event) => {
		const staff = requireStaff(event);
		const db = getDb();
		const form = await event.request.formData();
		const values = formValues(form);
		const now = new Date();
		const parsed = parseDropForm(form, await tierOptions(db), now, houseTimeZone());
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values, previewHtml: null });
		const result = await saveDrop(db, { input: parsed.data, actorId: staff.id, now });
		if (!result.ok) return fail(400, { errors: result.errors, values, previewHtml: null });
		if (result.wentLive) await runDropsDueWork(db, now);
		redirect(303, `/staff/drops/${result.drop.id}?saved=${parsed.data.intent}`);
	},
	preview: async (event) => {
		requireStaff(event);
		const form = await event.request.formData();
		const values = formValues(form);
		return { errors: {}, values, previewHtml: await previewBody(getDb(), values.body ?? '', null) };
	}
};
