// Sessions in Lucia's style: a random token in an HttpOnly cookie, its SHA-256 as the row id,
// sliding expiry. See lucia-auth.com "Basic session implementation".
import type { Cookies } from '@sveltejs/kit';
import { eq, sql } from 'drizzle-orm';
import { config } from '../config';
import { preparedOnce } from '../db/prepared';
import type { Queryable } from '../db';
import { inboxItems, sessions, users, type Session, type User } from '../db/schema';
import { generateToken, hashToken } from './token';

export const SESSION_COOKIE = 'encore_session';
const DAY = 24 * 60 * 60 * 1000;

export type SessionUser = Pick<
	User,
	| 'id'
	| 'email'
	| 'displayName'
	| 'role'
	| 'emailVerifiedAt'
	| 'consentAnalytics'
	| 'consentMarketing'
	| 'createdAt'
>;

export interface SessionValidation {
	session: Session | null;
	user: SessionUser | null;
	/** The expiry moved forward: the cookie must be set again. */
	renewed: boolean;
	/** Unread inbox items, read with the session: every page's tab bar shows it. */
	unread: number;
}

export const generateSessionToken = generateToken;

export function sessionLifetimeMs(days = config.sessionDays): number {
	return days * DAY;
}

/** Renew once less than half the lifetime is left, so active users never get signed out. */
export function shouldRenew(expiresAt: Date, now: Date, lifetimeMs = sessionLifetimeMs()): boolean {
	return expiresAt.getTime() - now.getTime() < lifetimeMs / 2;
}

export async function createSession(
	db: Queryable,
	token: string,
	userId: string,
	userAgent: string | null = null,
	now = new Date()
): Promise<Session> {
	const session = {
		id: hashToken(token),
		userId,
		expiresAt: new Date(now.getTime() + sessionLifetimeMs()),
		createdAt: now,
		userAgent: userAgent?.slice(0, 300) ?? null,
		visitedOn: null
	};
	await db.insert(sessions).values(session);
	return session;
}

export async function validateSessionToken(
	db: Queryable,
	token: string,
	now = new Date()
): Promise<SessionValidation> {
	const id = hashToken(token);
	const [row] = await preparedOnce(db, 'session', () =>
		db
			.select({
				session: sessions,
				user: {
					id: users.id,
					email: users.email,
					displayName: users.displayName,
					role: users.role,
					emailVerifiedAt: users.emailVerifiedAt,
					consentAnalytics: users.consentAnalytics,
					consentMarketing: users.consentMarketing,
					createdAt: users.createdAt
				},
				unread: sql<number>`(select count(*)::int from ${inboxItems} where ${inboxItems.memberId} = ${users.id} and ${inboxItems.readAt} is null)`
			})
			.from(sessions)
			.innerJoin(users, eq(sessions.userId, users.id))
			.where(eq(sessions.id, sql.placeholder('id')))
			.limit(1)
			.prepare('encore_session')
	).execute({ id });
	if (!row) return { session: null, user: null, renewed: false, unread: 0 };
	const { session, user } = row;
	const unread = Number(row.unread);
	if (now.getTime() >= session.expiresAt.getTime()) {
		await db.delete(sessions).where(eq(sessions.id, id));
		return { session: null, user: null, renewed: false, unread: 0 };
	}
	if (shouldRenew(session.expiresAt, now)) {
		session.expiresAt = new Date(now.getTime() + sessionLifetimeMs());
		await db.update(sessions).set({ expiresAt: session.expiresAt }).where(eq(sessions.id, id));
		return { session, user, renewed: true, unread };
	}
	return { session, user, renewed: false, unread };
}

export async function invalidateSession(db: Queryable, sessionId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function invalidateAllSessions(db: Queryable, userId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.userId, userId));
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config.cookieSecure,
		expires: expiresAt
	});
}

export function deleteSessionCookie(cookies: Cookies): void {
	cookies.delete(SESSION_COOKIE, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config.cookieSecure
	});
}
