// What every account journey answers, and the fresh session a successful one starts.
import type { Database } from '../db';
import type { User } from '../db/schema';
import { createSession, generateSessionToken } from '../auth';

export type Outcome<T> =
	{ ok: true; value: T } | { ok: false; status: 400 | 409 | 429; errors: Record<string, string> };

export interface NewSession {
	token: string;
	expiresAt: Date;
	user: User;
}

export async function startSession(db: Database, user: User, userAgent: string | null): Promise<NewSession> {
	const token = generateSessionToken(); // a new token at every sign-in
	const session = await createSession(db, token, user.id, userAgent);
	return { token, expiresAt: session.expiresAt, user };
}
