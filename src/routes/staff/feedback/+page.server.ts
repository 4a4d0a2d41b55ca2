// Staff feedback: satisfaction and NPS by tier, event, drop and month with response rates, why
// patrons left, the comments (filter and tag), "you said, we did" notes, and the asking settings.
import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { readForm } from '$lib/server/http';
import { formValues, idFrom, parseForm } from '$lib/server/forms';
import { houseTimeZone } from '$lib/server/house';
import {
	CANCEL_REASONS,
	cancellationReasons,
	getFeedbackSettings,
	listComments,
	listNotes,
	noteForm,
	saveFeedbackSettings,
	scoresByDrop,
	scoresByEvent,
	scoresByMonth,
	scoresByTier,
	sendYouSaidWeDid,
	setTags,
	settingsForm,
	tagForm,
	tagsInUse
} from '$lib/server/feedback';
import type { Actions, PageServerLoad } from './$types';

const KINDS = ['checkin', 'presale', 'drop', 'cancellation', 'nps'];
const PAGE = 30;

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const q = event.url.searchParams;
	const kind = KINDS.includes(q.get('kind') ?? '') ? q.get('kind') : null;
	const rankText = q.get('rank') ?? '';
	const rank = /^\d{1,3}$/.test(rankText) ? Number(rankText) : null;
	const tag = (q.get('tag') ?? '').slice(0, 30) || null;
	const mood = q.get('mood') === 'low' || q.get('mood') === 'high' ? (q.get('mood') as 'low' | 'high') : null;
	const page = Math.min(Math.max(idFrom(q.get('page')) ?? 1, 1), 10_000);
	const [byTier, byEvent, byDrop, byMonth, reasons, comments, tags, notes, settings] = await Promise.all([
		scoresByTier(db),
		scoresByEvent(db),
		scoresByDrop(db),
		scoresByMonth(db, houseTimeZone()),
		cancellationReasons(db),
		listComments(db, { kind, rank, tag, mood }, { limit: PAGE, offset: (page - 1) * PAGE }),
		tagsInUse(db),
		listNotes(db),
		getFeedbackSettings(db)
	]);
	return {
		byTier,
		byEvent,
		byDrop,
		byMonth,
		reasons: reasons.map((r) => ({
			...r,
			label: CANCEL_REASONS.find((c) => c.value === r.reason)?.label ?? r.reason
		})),
		comments,
		filter: { kind, rank, tag, mood },
		page,
		pageSize: PAGE,
		tags,
		notes,
		settings
	};
};

export const actions: Actions = {
	tag: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const parsed = parseForm(tagForm, form);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values: formValues(form) });
		if (!(await setTags(getDb(), parsed.data.id, parsed.data.tags, staff.id)))
			return fail(404, { errors: { form: 'This answer no longer exists.' }, values: formValues(form) });
		redirect(303, `/staff/feedback${event.url.search}#comments`);
	},
	note: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const parsed = parseForm(noteForm, form);
		const values = formValues(form);
		if (!parsed.ok) return fail(400, { noteErrors: parsed.errors, values });
		const sent = await sendYouSaidWeDid(getDb(), parsed.data, staff.id);
		if (!sent.ok) return fail(400, { noteErrors: { theme: sent.message }, values });
		redirect(303, `/staff/feedback?sent=${sent.recipients}#loop`);
	},
	settings: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const parsed = parseForm(settingsForm, form);
		if (!parsed.ok) return fail(400, { settingsErrors: parsed.errors, values: formValues(form) });
		await saveFeedbackSettings(getDb(), parsed.data, staff.id);
		redirect(303, '/staff/feedback?saved=1#settings');
	}
};
