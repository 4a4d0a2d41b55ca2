// Sign-up: the account with its consent choices (recorded for the audit trail), the verification
// email and the welcome moment, then a session.
import type { z } from 'zod';
import type { Database } from '../db';
import { getHouse } from '../house';
import { firstName } from '../../format';
import { postMoments } from '../notifications';
import { recordSignUpConsents } from '../privacy';
import { consumeAll, hashPassword, insertUser, LIMITS, retryMessage } from '../auth';
import { sendVerificationEmail } from './email-verification';
import type { signUpSchema } from './form';
import { startSession, type NewSession, type Outcome } from './session-start';

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
