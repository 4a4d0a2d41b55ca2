// Form parsing shared by every action: a schema in, either data or per-field messages out.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export function formValues(form: FormData, omit: string[] = ['password', 'confirm']): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of form) {
		if (typeof value === 'string' && !omit.includes(key)) values[key] = value;
	}
	return values;
}

export function parseForm<S extends z.ZodType>(
	schema: S,
	form: FormData
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
	const raw: Record<string, unknown> = {};
	for (const [key, value] of form) {
		if (typeof value !== 'string') continue;
		// Checkboxes arrive as "on"; repeated keys become arrays.
		if (key in raw) raw[key] = ([] as unknown[]).concat(raw[key], value);
		else raw[key] = value;
	}
	const result = schema.safeParse(raw);
	if (result.success) return { ok: true, data: result.data };
	const errors: FieldErrors = {};
	for (const issue of result.error.issues) {
		const field = String(issue.path[0] ?? 'form');
		errors[field] ??= issue.message;
	}
	return { ok: false, errors };
}

/** The largest value of a Postgres integer (every serial id and int column). */
export const INT_MAX = 2_147_483_647;

/** A database id from a form field or a URL: a whole number 1…2147483647, or null. */
export function idFrom(value: unknown): number | null {
	const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (!/^[1-9]\d{0,9}$/.test(text)) return null;
	const n = Number(text);
	return n <= INT_MAX ? n : null;
}
