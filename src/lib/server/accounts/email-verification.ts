// Confirming a member's email address: the link sent at sign-up (and again on request), and its use.
import { eq } from 'drizzle-orm';
import { config } from '../config';
import type { Database } from '../db';
import { users, type User } from '../db/schema';
import { getHouse } from '../house';
import { sendMail, verifyEmailMessage } from '../notifications';
import { consumeAll, consumeEmailToken, getUserById, issueEmailToken, LIMITS, retryMessage } from '../auth';
import type { Outcome } from './session-start';

export async function sendVerificationEmail(db: Database, user: Pick<User, 'id' | 'email' | 'displayName'>) {
	const token = await issueEmailToken(db, user.id, user.email, 'verify_email');
	const house = await getHouse(db);
	const msg = verifyEmailMessage(house.name, user.displayName, `${config.origin}/verify-email/${token}`);
	await sendMail(db, { to: user.email, kind: 'verify_email', ...msg });
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
