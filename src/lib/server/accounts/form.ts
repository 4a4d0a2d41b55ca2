// The account forms' schemas: what sign-up, sign-in and the password forms accept, with the
// messages shown beside each field. Pure.
import { z } from 'zod';
import { PASSWORD_MAX, passwordProblem } from '../auth/password';

const checkbox = z
	.union([z.literal('on'), z.literal('true'), z.literal('1')])
	.optional()
	.transform((v) => v !== undefined);

const email = z
	.string({ error: 'Enter your email address.' })
	.trim()
	.min(1, 'Enter your email address.')
	.max(254, 'That email address is too long.')
	.pipe(z.email('Enter a valid email address, like name@example.com.'));

export const signUpSchema = z
	.object({
		displayName: z
			.string({ error: 'Tell us what to call you.' })
			.trim()
			.min(1, 'Tell us what to call you.')
			.max(60, 'Keep your name under 60 characters.'),
		email,
		password: z
			.string({ error: 'Choose a password.' })
			.max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`),
		consentAnalytics: checkbox,
		consentMarketing: checkbox
	})
	.superRefine((v, ctx) => {
		const problem = passwordProblem(v.password, v.email);
		if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
	});

export const signInSchema = z.object({
	email,
	password: z
		.string({ error: 'Enter your password.' })
		.min(1, 'Enter your password.')
		.max(PASSWORD_MAX, 'Email or password is wrong.')
});

export const resetRequestSchema = z.object({ email });

export const newPasswordSchema = z
	.object({
		password: z.string({ error: 'Choose a new password.' }),
		confirm: z.string({ error: 'Type the new password again.' })
	})
	.superRefine((v, ctx) => {
		const problem = passwordProblem(v.password);
		if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
		else if (v.password !== v.confirm)
			ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'The two passwords do not match.' });
	});
