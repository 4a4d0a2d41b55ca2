import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signIn, signUp, verifyEmail } from '$lib/server/accounts';
import { consumeEmailToken, issueEmailToken } from '$lib/server/auth/email-tokens';
import {
	createSession,
	generateSessionToken,
	sessionLifetimeMs,
	validateSessionToken
} from '$lib/server/auth/session';
import { hashToken } from '$lib/server/auth/token';
import { authTokens, mailOutbox, sessions, users } from '$lib/server/db/schema';
import type { Database } from '$lib/server/db/connect';
import { forEachDriver, uniqueEmail, uniqueIp } from './harness';

const PASSWORD = 'a long walk to the venue';

function signUpInput(email: string, password = PASSWORD) {
	return { displayName: 'Mara Jensen', email, password, consentAnalytics: false, consentMarketing: true };
}

async function mailTo(db: Database, to: string) {
	return db.select().from(mailOutbox).where(eq(mailOutbox.to, to)).orderBy(mailOutbox.id);
}

/** Signs a new fan up and returns the session token and user. */
async function newFan(db: Database, email = uniqueEmail()) {
	const result = await signUp(db, signUpInput(email), uniqueIp(), 'vitest');
	if (!result.ok) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
	return result.value;
}

forEachDriver('accounts', (t) => {
	describe('sign-up', () => {
		it('creates a fan that stores only an argon2id hash of the password', async () => {
			const email = uniqueEmail();
			const result = await signUp(t.db, signUpInput(email), uniqueIp(), 'vitest');
			expect(result.ok).toBe(true);
			const [row] = await t.db.select().from(users).where(eq(users.email, email));
			expect(row.role).toBe('fan');
			expect(row.displayName).toBe('Mara Jensen');
			expect(row.emailVerifiedAt).toBeNull();
			expect(row.consentMarketing).toBe(true);
			expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
			expect(JSON.stringify(row)).not.toContain(PASSWORD);
		});

		it('sends a verification link that confirms the email once', async () => {
			const email = uniqueEmail();
			const { user } = await newFan(t.db, email);
			const mails = await mailTo(t.db, email);
			expect(mails).toHaveLength(1);
			expect(mails[0].kind).toBe('verify_email');
			const link = mails[0].text.match(/https?:\/\/\S+\/verify-email\/([a-z2-7]{32})\b/);
			expect(link, mails[0].text).not.toBeNull();
			expect(mails[0].html).toContain(link![0]);
			const token = link![1];

			// Only the token's hash is stored.
			const [stored] = await t.db.select().from(authTokens).where(eq(authTokens.userId, user.id));
			expect(stored.id).toBe(hashToken(token));

			expect(await verifyEmail(t.db, token)).toBe(true);
			const [verified] = await t.db.select().from(users).where(eq(users.id, user.id));
			expect(verified.emailVerifiedAt).toBeInstanceOf(Date);

			expect(await verifyEmail(t.db, token)).toBe(false);
			expect(await verifyEmail(t.db, 'a'.repeat(32))).toBe(false);
		});

		it('treats emails that differ only in case as the same account (409 on the email field)', async () => {
			const local = uniqueEmail('Mara').split('@')[0];
			const first = await signUp(t.db, signUpInput(`${local}@X.com`), uniqueIp(), null);
			expect(first.ok).toBe(true);
			if (first.ok) expect(first.value.user.email).toBe(`${local.toLowerCase()}@x.com`);

			const second = await signUp(t.db, signUpInput(`${local.toLowerCase()}@x.com`), uniqueIp(), null);
			expect(second).toEqual({
				ok: false,
				status: 409,
				errors: { email: expect.stringContaining('already exists') }
			});
			const rows = await t.db
				.select()
				.from(users)
				.where(eq(users.email, `${local.toLowerCase()}@x.com`));
			expect(rows).toHaveLength(1);
		});

		it('refuses a verification token once the account email has changed', async () => {
			const email = uniqueEmail();
			const { user } = await newFan(t.db, email);
			const token = await issueEmailToken(t.db, user.id, email, 'verify_email');
			await t.db
				.update(users)
				.set({ email: uniqueEmail('moved') })
				.where(eq(users.id, user.id));
			expect(await consumeEmailToken(t.db, token, 'verify_email')).toBeNull();
		});
	});

	describe('sign-in', () => {
		it('answers an unknown email and a wrong password identically', async () => {
			const email = uniqueEmail();
			await newFan(t.db, email);
			const unknown = await signIn(
				t.db,
				{ email: uniqueEmail('nobody'), password: PASSWORD },
				uniqueIp(),
				null
			);
			const wrong = await signIn(t.db, { email, password: 'not the password' }, uniqueIp(), null);
			expect(unknown.ok).toBe(false);
			expect(wrong).toEqual(unknown);
		});

		it('accepts any case of the email and returns a session whose token validates', async () => {
			const email = uniqueEmail();
			const fan = await newFan(t.db, email);
			const result = await signIn(
				t.db,
				{ email: email.toUpperCase(), password: PASSWORD },
				uniqueIp(),
				'UA/1'
			);
			expect(result.ok).toBe(true);
			if (!result.ok) return;
			const { token, user, expiresAt } = result.value;
			expect(user.id).toBe(fan.user.id);
			expect(token).not.toBe(fan.token); // a fresh token at every sign-in

			const validation = await validateSessionToken(t.db, token);
			expect(validation.user?.id).toBe(fan.user.id);
			expect(validation.session?.expiresAt.getTime()).toBe(expiresAt.getTime());
			expect(validation.renewed).toBe(false);

			// Only the SHA-256 of the token is stored as the session id.
			const rows = await t.db.select().from(sessions).where(eq(sessions.userId, fan.user.id));
			expect(rows.map((r) => r.id).sort()).toEqual([hashToken(fan.token), hashToken(token)].sort());
			expect(rows.some((r) => r.id === token)).toBe(false);
			expect(rows.find((r) => r.id === hashToken(token))?.userAgent).toBe('UA/1');
		});

		it('rejects a token that was never issued', async () => {
			const validation = await validateSessionToken(t.db, generateSessionToken());
			expect(validation).toEqual({ session: null, user: null, renewed: false, unread: 0 });
		});
	});

	describe('sessions', () => {
		it('rejects and deletes an expired session', async () => {
			const { user } = await newFan(t.db);
			const token = generateSessionToken();
			const issued = new Date(Date.now() - sessionLifetimeMs() - 60_000);
			const session = await createSession(t.db, token, user.id, null, issued);
			expect(session.expiresAt.getTime()).toBeLessThan(Date.now());

			expect(await validateSessionToken(t.db, token)).toEqual({
				session: null,
				user: null,
				renewed: false,
				unread: 0
			});
			const left = await t.db
				.select()
				.from(sessions)
				.where(eq(sessions.id, hashToken(token)));
			expect(left).toHaveLength(0);
		});

		it('is rejected at the exact moment it expires', async () => {
			const { user } = await newFan(t.db);
			const token = generateSessionToken();
			const session = await createSession(t.db, token, user.id);
			const atExpiry = new Date(session.expiresAt.getTime());
			expect((await validateSessionToken(t.db, token, atExpiry)).session).toBeNull();
		});

		it('slides the expiry forward once less than half the lifetime is left', async () => {
			const { user } = await newFan(t.db);
			const token = generateSessionToken();
			const start = new Date();
			const session = await createSession(t.db, token, user.id, null, start);
			const stored = async () =>
				(
					await t.db
						.select()
						.from(sessions)
						.where(eq(sessions.id, hashToken(token)))
				)[0].expiresAt.getTime();

			// Early on: no renewal, the row is untouched.
			const early = await validateSessionToken(t.db, token, new Date(start.getTime() + 60_000));
			expect(early.renewed).toBe(false);
			expect(await stored()).toBe(session.expiresAt.getTime());

			// Past the half-way mark: a full lifetime from now, saved in the database.
			const later = new Date(start.getTime() + sessionLifetimeMs() * 0.6);
			const renewed = await validateSessionToken(t.db, token, later);
			expect(renewed.renewed).toBe(true);
			expect(renewed.session?.expiresAt.getTime()).toBe(later.getTime() + sessionLifetimeMs());
			expect(await stored()).toBe(later.getTime() + sessionLifetimeMs());
			expect(await stored()).toBeGreaterThan(session.expiresAt.getTime());
		});

		it('ends with the user: deleting the account deletes its sessions', async () => {
			const { user, token } = await newFan(t.db);
			await t.db.delete(users).where(eq(users.id, user.id));
			expect((await validateSessionToken(t.db, token)).user).toBeNull();
			expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
		});
	});
});
