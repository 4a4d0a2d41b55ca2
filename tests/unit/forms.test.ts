import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newPasswordSchema, signInSchema, signUpSchema } from '$lib/server/accounts/form';
import { formValues, parseForm } from '$lib/server/forms';

function form(entries: [string, string | Blob][]): FormData {
	const data = new FormData();
	for (const [key, value] of entries) data.append(key, value);
	return data;
}

describe('parseForm', () => {
	it('returns the parsed data when the schema accepts it', () => {
		const result = parseForm(
			signInSchema,
			form([
				['email', '  Mara@Example.com '],
				['password', 'secret']
			])
		);
		expect(result).toEqual({ ok: true, data: { email: 'Mara@Example.com', password: 'secret' } });
	});

	it('returns one message per field, the first one', () => {
		const result = parseForm(
			signInSchema,
			form([
				['email', 'not an email'],
				['password', '']
			])
		);
		expect(result).toEqual({
			ok: false,
			errors: {
				email: 'Enter a valid email address, like name@example.com.',
				password: 'Enter your password.'
			}
		});
	});

	it('reports missing fields', () => {
		const result = parseForm(signInSchema, form([]));
		expect(result).toEqual({
			ok: false,
			errors: { email: 'Enter your email address.', password: 'Enter your password.' }
		});
	});

	it('turns repeated keys into arrays and ignores files', () => {
		const schema = z.object({ tag: z.array(z.string()), note: z.string().optional() });
		const result = parseForm(
			schema,
			form([
				['tag', 'a'],
				['tag', 'b'],
				['tag', 'c'],
				['note', new Blob(['file body'])]
			])
		);
		expect(result).toEqual({ ok: true, data: { tag: ['a', 'b', 'c'] } });
	});

	it('reports whole-form problems under "form"', () => {
		const schema = z.object({ a: z.string(), b: z.string() }).refine((v) => v.a === v.b, 'Must match.');
		expect(
			parseForm(
				schema,
				form([
					['a', '1'],
					['b', '2']
				])
			)
		).toEqual({ ok: false, errors: { form: 'Must match.' } });
	});

	it('reads checkboxes on sign-up and applies the password rules against the email', () => {
		const ok = parseForm(
			signUpSchema,
			form([
				['displayName', ' Mara '],
				['email', 'mara@example.com'],
				['password', 'a long walk to the venue'],
				['consentMarketing', 'on']
			])
		);
		expect(ok).toEqual({
			ok: true,
			data: {
				displayName: 'Mara',
				email: 'mara@example.com',
				password: 'a long walk to the venue',
				consentMarketing: true,
				consentAnalytics: false
			}
		});
		const weak = parseForm(
			signUpSchema,
			form([
				['displayName', 'Mara'],
				['email', 'mara.jensen@example.com'],
				['password', 'mara.jensen rocks']
			])
		);
		expect(weak).toEqual({
			ok: false,
			errors: { password: 'Your password should not contain your email address.' }
		});
	});

	it('checks that both new passwords match', () => {
		expect(
			parseForm(
				newPasswordSchema,
				form([
					['password', 'a long walk to the venue'],
					['confirm', 'a long walk to the venu']
				])
			)
		).toEqual({ ok: false, errors: { confirm: 'The two passwords do not match.' } });
		expect(
			parseForm(
				newPasswordSchema,
				form([
					['password', 'short'],
					['confirm', 'short']
				])
			)
		).toEqual({ ok: false, errors: { password: 'Use at least 10 characters.' } });
	});
});

describe('formValues', () => {
	it('keeps text fields to refill the form, never passwords', () => {
		const values = formValues(
			form([
				['email', 'mara@example.com'],
				['password', 'secret'],
				['confirm', 'secret'],
				['avatar', new Blob(['x'])]
			])
		);
		expect(values).toEqual({ email: 'mara@example.com' });
	});
});
