// The account journeys (sign up, sign in, reset, verify) as plain functions over a database;
// routes only parse forms, call these and set cookies.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { config } from '../config';
import type { Database } from '../db';
import { users, type User } from '../db/schema';
import { getHouse } from '../house';
import { firstName } from '../../format';
import { postMoments } from '../moments/post';
import { recordSignUpConsents } from '../privacy/consents';
import { sendMail } from '../mail/outbox';
import { passwordChangedMessage, resetPasswordMessage, verifyEmailMessage } from '../mail/templates';
import { consumeAll, LIMITS, retryMessage } from '../rate-limit';
import { consumeEmailToken, issueEmailToken } from './email-tokens';
import { hashPassword, PASSWORD_MAX, passwordProblem, verifyAgainstDummy, verifyPassword } from './password';
import { createSession, generateSessionToken, invalidateAllSessions } from './session';
import { getUserByEmail, getUserById, insertUser, normaliseEmail } from './users';

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

export type Outcome<T> =
	{ ok: true; value: T } | { ok: false; status: 400 | 409 | 429; errors: Record<string, string> };

export interface NewSession {
	token: string;
	expiresAt: Date;
	user: User;
}

async function startSession(db: Database, user: User, userAgent: string | null): Promise<NewSession> {
	const token = generateSessionToken(); // a new token at every sign-in
	const session = await createSession(db, token, user.id, userAgent);
	return { token, expiresAt: session.expiresAt, user };
}

export async function sendVerificationEmail(db: Database, user: Pick<User, 'id' | 'email' | 'displayName'>) {
	const token = await issueEmailToken(db, user.id, user.email, 'verify_email');
	const house = await getHouse(db);
	const msg = verifyEmailMessage(house.name, user.displayName, `${config.origin}/verify-email/${token}`);
	await sendMail(db, { to: user.email, kind: 'verify_email', ...msg });
}

export async function signUp(
	db: Database,
	input: z.output<typeof signUpSchema>,
	ip: string,
	userAgent: string | null
): Promise<Outcome<NewSession>> {
	const limit = await consumeAll(db, [[`signup:ip:${ip}`, LIMITS.signupPerIp]]);
	if (!limit.allowed)
		return { ok: false, status: 429, errors: { form: retryMessage(limit.retryAfterSeconds) } };
	const passwordHash = await hashPassword(input.password);
	const user = await insertUser(db, { ...input, passwordHash });
	if (!user) {
		return {
			ok: false,
			status: 409,
			errors: { email: 'An account with this email already exists. Sign in, or reset your password.' }
		};
	}
	await recordSignUpConsents(db, user.id, {
		analytics: user.consentAnalytics,
		marketing: user.consentMarketing
	});
	await sendVerificationEmail(db, user);
	await postMoments(db, 'welcome', [
		{
			memberId: user.id,
			vars: { name: firstName(user.displayName), house: (await getHouse(db)).name },
			link: '/me/card',
			dedupeKey: `welcome:${user.id}`
		}
	]);
	return { ok: true, value: await startSession(db, user, userAgent) };
}

const WRONG = 'Email or password is wrong.';

export async function signIn(
	db: Database,
	input: z.output<typeof signInSchema>,
	ip: string,
	userAgent: string | null
): Promise<Outcome<NewSession>> {
	const limit = await consumeAll(db, [
		[`login:ip:${ip}`, LIMITS.loginPerIp],
		[`login:account:${normaliseEmail(input.email)}`, LIMITS.loginPerAccount]
	]);
	if (!limit.allowed)
		return { ok: false, status: 429, errors: { form: retryMessage(limit.retryAfterSeconds) } };
	const user = await getUserByEmail(db, input.email);
	// Unknown email and wrong password: the same words, and about the same time.
	const valid = user
		? await verifyPassword(user.passwordHash, input.password)
		: await verifyAgainstDummy(input.password);
	if (!user || !valid) return { ok: false, status: 400, errors: { form: WRONG } };
	return { ok: true, value: await startSession(db, user, userAgent) };
}

/** Always answers the same way, whether or not the email has an account. */
export async function requestPasswordReset(
	db: Database,
	rawEmail: string,
	ip: string
): Promise<Outcome<null>> {
	const limit = await consumeAll(db, [
		[`reset:ip:${ip}`, LIMITS.resetPerIp],
		[`reset:account:${normaliseEmail(rawEmail)}`, LIMITS.resetPerAccount]
	]);
	if (!limit.allowed)
		return { ok: false, status: 429, errors: { form: retryMessage(limit.retryAfterSeconds) } };
	const user = await getUserByEmail(db, rawEmail);
	if (user) {
		const token = await issueEmailToken(db, user.id, user.email, 'reset_password');
		const house = await getHouse(db);
		const msg = resetPasswordMessage(
			house.name,
			user.displayName,
			`${config.origin}/reset-password/${token}`
		);
		await sendMail(db, { to: user.email, kind: 'reset_password', ...msg });
	}
	return { ok: true, value: null };
}

/** Sets the new password, ends every session, and signs this device in afresh. */
export async function resetPassword(
	db: Database,
	token: string,
	password: string,
	userAgent: string | null
): Promise<Outcome<NewSession>> {
	const passwordHash = await hashPassword(password); // slow: outside the transaction
	const user = await db.transaction(async (tx) => {
		const userId = await consumeEmailToken(tx, token, 'reset_password');
		if (!userId) return null;
		const [updated] = await tx
			.update(users)
			.set({ passwordHash, updatedAt: new Date(), emailVerifiedAt: new Date() }) // the link proved the address
			.where(eq(users.id, userId))
			.returning();
		await invalidateAllSessions(tx, userId);
		return updated;
	});
	if (!user) {
		return {
			ok: false,
			status: 400,
			errors: { form: 'This reset link has expired or was already used. Ask for a new one.' }
		};
	}
	const house = await getHouse(db);
	await sendMail(db, {
		to: user.email,
		kind: 'password_changed',
		...passwordChangedMessage(house.name, user.displayName)
	});
	return { ok: true, value: await startSession(db, user, userAgent) };
}

/** Changes the password of a signed-in user: all sessions end, this device gets a new one. */
export async function changePassword(
	db: Database,
	userId: string,
	currentPassword: string,
	newPassword: string,
	userAgent: string | null
): Promise<Outcome<NewSession>> {
	const user = await getUserById(db, userId);
	if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
		return { ok: false, status: 400, errors: { current: 'Your current password is wrong.' } };
	}
	const problem = passwordProblem(newPassword, user.email);
	if (problem) return { ok: false, status: 400, errors: { password: problem } };
	const passwordHash = await hashPassword(newPassword);
	await db.transaction(async (tx) => {
		await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
		await invalidateAllSessions(tx, userId);
	});
	const house = await getHouse(db);
	await sendMail(db, {
		to: user.email,
		kind: 'password_changed',
		...passwordChangedMessage(house.name, user.displayName)
	});
	return { ok: true, value: await startSession(db, user, userAgent) };
}

export async function verifyEmail(db: Database, token: string): Promise<boolean> {
	return db.transaction(async (tx) => {
		const userId = await consumeEmailToken(tx, token, 'verify_email');
		if (!userId) return false;
		await tx
			.update(users)
			.set({ emailVerifiedAt: new Date(), updatedAt: new Date() })
			.where(eq(users.id, userId));
		return true;
	});
}

export async function resendVerification(db: Database, userId: string): Promise<Outcome<null>> {
	const limit = await consumeAll(db, [[`verify:account:${userId}`, LIMITS.verifyResendPerAccount]]);
	if (!limit.allowed)
		return { ok: false, status: 429, errors: { form: retryMessage(limit.retryAfterSeconds) } };
	const user = await getUserById(db, userId);
	if (user && !user.emailVerifiedAt) await sendVerificationEmail(db, user);
	return { ok: true, value: null };
}
