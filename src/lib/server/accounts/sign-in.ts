// Sign-in by email and password, rate-limited per address and per account.
import type { z } from 'zod';
import type { Database } from '../db';
import {
	consumeAll,
	getUserByEmail,
	LIMITS,
	normaliseEmail,
	retryMessage,
	verifyAgainstDummy,
	verifyPassword
} from '../auth';
import type { signInSchema } from './form';
import { startSession, type NewSession, type Outcome } from './session-start';

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
