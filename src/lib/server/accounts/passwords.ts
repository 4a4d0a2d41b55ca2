// Forgotten and changed passwords: the reset email, the reset itself and the change from the
// account page; each ends every other session and tells the member by email.
import { eq } from 'drizzle-orm';
import { config } from '../config';
import type { Database } from '../db';
import { users } from '../db/schema';
import { getHouse } from '../house';
import { passwordChangedMessage, resetPasswordMessage, sendMail } from '../notifications';
import {
	consumeAll,
	consumeEmailToken,
	getUserByEmail,
	getUserById,
	hashPassword,
	invalidateAllSessions,
	issueEmailToken,
	LIMITS,
	normaliseEmail,
	passwordProblem,
	retryMessage,
	verifyPassword
} from '../auth';
import { startSession, type NewSession, type Outcome } from './session-start';

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
