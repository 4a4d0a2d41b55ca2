import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { audit } from '$lib/server/audit';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { parseForm } from '$lib/server/forms';
import { getHouse } from '$lib/server/house';
import {
	MOMENTS,
	momentDefinition,
	renderMoment,
	wordingProblems,
	loadMomentWordings,
	resetMomentWording,
	saveMomentWording
} from '$lib/server/notifications';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

/** Example values for the preview, so staff see the words as a fan will. */
const SAMPLE: Record<string, string> = {
	name: 'Mara',
	tier: 'Insider',
	unlocked: 'Early access to presales; Members-only drops',
	date: '14 May',
	points: '120',
	years: '2 years',
	poll: 'Which song closes the encore?'
};

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const [wordings, house] = await Promise.all([loadMomentWordings(db), getHouse(db)]);
	const vars = { ...SAMPLE, house: house.name };
	return {
		moments: MOMENTS.map((m) => {
			const wording = wordings.get(m.kind);
			return {
				kind: m.kind,
				label: m.label,
				when: m.when,
				placeholders: m.placeholders,
				enabled: wording?.enabled ?? true,
				title: wording?.title ?? '',
				body: wording?.body ?? '',
				defaultTitle: m.title,
				defaultBody: m.body,
				customised: !!(wording?.title || wording?.body),
				preview: renderMoment(m.kind, vars, wording ? { ...wording, enabled: true } : undefined)!
			};
		})
	};
};

const wordingSchema = z.object({
	kind: z.string().refine((k) => !!momentDefinition(k), 'Unknown moment.'),
	enabled: z.literal('on').optional(),
	title: z.string().trim().max(120, 'Keep the title under 120 characters.'),
	body: z.string().trim().max(600, 'Keep the message under 600 characters.')
});

export const actions: Actions = {
	save: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const parsed = parseForm(wordingSchema, form);
		const kind = String(form.get('kind') ?? '');
		const values = { title: String(form.get('title') ?? ''), body: String(form.get('body') ?? '') };
		if (!parsed.ok) return fail(400, { kind, errors: parsed.errors, values });
		const errors: Record<string, string> = {};
		for (const field of ['title', 'body'] as const) {
			const problems = wordingProblems(parsed.data.kind, parsed.data[field]);
			if (problems.length) errors[field] = problems.join(' ');
		}
		if (Object.keys(errors).length) return fail(400, { kind, errors, values });
		const wording = {
			enabled: parsed.data.enabled === 'on',
			title: parsed.data.title || null,
			body: parsed.data.body || null
		};
		const db = getDb();
		await saveMomentWording(db, parsed.data.kind, wording, staff.id);
		await audit(db, {
			actorId: staff.id,
			action: 'moments.updated',
			subjectType: 'moment',
			subjectId: parsed.data.kind,
			details: wording
		});
		return { kind, saved: true };
	},
	reset: async (event) => {
		const staff = requireStaff(event);
		const kind = String((await readForm(event)).get('kind') ?? '');
		if (!momentDefinition(kind)) return fail(400, { kind, errors: { form: 'Unknown moment.' } });
		const db = getDb();
		await resetMomentWording(db, kind);
		await audit(db, { actorId: staff.id, action: 'moments.reset', subjectType: 'moment', subjectId: kind });
		return { kind, saved: true };
	}
};
