import { fail, redirect } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { formValues } from '$lib/server/forms';
import { createEvent, listEventsForStaff, timeZones, parseEventForm } from '$lib/server/tickets';
import { houseTimeZone } from '$lib/server/house';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { newSubmissionKey, submissionKeyOf, submitOnce } from '$lib/server/submit-once';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	return {
		events: await listEventsForStaff(getDb()),
		timeZones: timeZones(),
		defaultTimeZone: houseTimeZone(),
		submission: newSubmissionKey()
	};
};

export const actions: Actions = {
	create: async (event) => {
		const staff = requireStaff(event);
		const values = formValues(await readForm(event));
		const parsed = parseEventForm(values);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values });
		const to = await submitOnce(
			getDb(),
			{ kind: 'event', key: submissionKeyOf(values), actorId: staff.id },
			async () => {
				const created = await createEvent(getDb(), parsed.data, staff.id);
				return `/staff/events/${created.id}?created=1`;
			}
		);
		redirect(303, to!);
	}
};
