import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { loadLadder } from '$lib/server/loyalty';
import { fieldsOf, parsePollForm, createPoll } from '$lib/server/polls';
import { formValues } from '$lib/server/forms';
import { houseTimeZone } from '$lib/server/house';
import { wallClock } from '$lib/time';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { newSubmissionKey, submissionKeyOf, submitOnce } from '$lib/server/submit-once';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const ladder = await loadLadder(getDb());
	const now = new Date();
	const option = event.url.searchParams.get('option') ?? '';
	return {
		tiers: ladder.map((t) => ({ rank: t.rank, name: t.name })),
		timeZone: houseTimeZone(),
		defaults: {
			opensAt: wallClock(now, houseTimeZone()),
			closesAt: wallClock(new Date(now.getTime() + 7 * 86_400_000), houseTimeZone()),
			options: option
		},
		submission: newSubmissionKey()
	};
};

export const actions: Actions = {
	default: async (event) => {
		const staff = requireStaff(event);
		const db = getDb();
		const form = await readForm(event);
		const ranks = (await loadLadder(db)).map((t) => t.rank);
		const parsed = parsePollForm(fieldsOf(form), ranks, houseTimeZone());
		if (!parsed.ok)
			return fail(400, {
				errors: parsed.errors,
				values: formValues(form),
				eligible: form.getAll('eligible').map(String)
			});
		const to = await submitOnce(
			db,
			{ kind: 'poll', key: submissionKeyOf(form), actorId: staff.id },
			async () => {
				const poll = await createPoll(db, parsed.poll, staff.id);
				return `/staff/polls/${poll.id}?created=1`;
			}
		);
		redirect(303, to!);
	}
};
