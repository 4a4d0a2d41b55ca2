import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { loadRules, updateRules, type RuleEdit } from '$lib/server/loyalty';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	return { rules: await loadRules(getDb()) };
};

/** Empty = no cap; otherwise a whole number from `min`. */
function optionalInt(raw: FormDataEntryValue | null, min: number): number | null | 'invalid' {
	const s = String(raw ?? '').trim();
	if (s === '') return null;
	const n = Number(s);
	return Number.isInteger(n) && n >= min && n <= 1_000_000 ? n : 'invalid';
}

export const actions: Actions = {
	save: async (event) => {
		const staff = requireStaff(event);
		const db = getDb();
		const form = await readForm(event);
		const errors: Record<string, string> = {};
		const edits: RuleEdit[] = [];
		for (const rule of await loadRules(db)) {
			const k = rule.kind;
			const points = optionalInt(form.get(`points-${k}`), 0);
			const perDay = optionalInt(form.get(`perDay-${k}`), 1);
			const perObject = optionalInt(form.get(`perObject-${k}`), 1);
			if (points === null || points === 'invalid')
				errors[`points-${k}`] = 'Points must be a whole number, 0 or more.';
			if (perDay === 'invalid')
				errors[`perDay-${k}`] = 'A daily cap is a whole number from 1, or empty for none.';
			if (perObject === 'invalid')
				errors[`perObject-${k}`] = 'A cap per item is a whole number from 1, or empty for none.';
			if (typeof points === 'number' && perDay !== 'invalid' && perObject !== 'invalid') {
				edits.push({ kind: k, points, perDay, perObject, active: form.get(`active-${k}`) === 'on' });
			}
		}
		const values = Object.fromEntries([...form].filter(([, v]) => typeof v === 'string')) as Record<
			string,
			string
		>;
		if (Object.keys(errors).length) return fail(400, { errors, values });
		const changed = await updateRules(db, edits, staff.id);
		return { saved: true, changed };
	}
};
