// One-time links sent by email (verification, password reset). Only the hash is stored.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../db';
import { authTokens, users } from '../db/schema';
import { generateToken, hashToken } from './token';

export type TokenPurpose = 'verify_email' | 'reset_password';

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
	verify_email: 48 * 3600 * 1000,
	reset_password: 3600 * 1000
};

/** Creates a token, replacing any earlier unused one of the same purpose. */
export async function issueEmailToken(
	db: Queryable,
	userId: string,
	email: string,
	purpose: TokenPurpose,
	now = new Date()
): Promise<string> {
	const token = generateToken();
	await db.delete(authTokens).where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, purpose)));
	await db.insert(authTokens).values({
		id: hashToken(token),
		userId,
		email,
		purpose,
		expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose])
	});
	return token;
}

/** Looks a token up without using it (to show the reset form). */
export async function peekEmailToken(db: Queryable, token: string, purpose: TokenPurpose, now = new Date()) {
	const [row] = await db
		.select()
		.from(authTokens)
		.where(
			and(
				eq(authTokens.id, hashToken(token)),
				eq(authTokens.purpose, purpose),
				isNull(authTokens.usedAt),
				gt(authTokens.expiresAt, now)
			)
		)
		.limit(1);
	return row;
}

/**
 * Marks a token used and returns its user id, or null if it is unknown, used, expired,
 * or the user's email changed since it was sent. The update is the check: two
 * simultaneous uses cannot both succeed.
 */
export async function consumeEmailToken(
	db: Queryable,
	token: string,
	purpose: TokenPurpose,
	now = new Date()
): Promise<string | null> {
	const [row] = await db
		.update(authTokens)
		.set({ usedAt: now })
		.where(
			and(
				eq(authTokens.id, hashToken(token)),
				eq(authTokens.purpose, purpose),
				isNull(authTokens.usedAt),
				gt(authTokens.expiresAt, now),
				sql`exists (select 1 from ${users} where ${users.id} = ${authTokens.userId} and lower(${users.email}) = lower(${authTokens.email}))`
			)
		)
		.returning({ userId: authTokens.userId });
	return row?.userId ?? null;
}
