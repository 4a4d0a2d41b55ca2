import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { changePassword, requestPasswordReset, resetPassword, signIn, signUp } from '$lib/server/accounts';
import { issueEmailToken, peekEmailToken } from '$lib/server/auth/email-tokens';
import { validateSessionToken } from '$lib/server/auth/session';
import type { Database } from '$lib/server/db/connect';
import { mailOutbox, sessions, users } from '$lib/server/db/schema';
import { forEachDriver, uniqueEmail, uniqueIp } from './harness';

const OLD = 'the first password we chose';
const NEW = 'a brand new password, longer';

async function mailTo(db: Database, to: string) {
	return db.select().from(mailOutbox).where(eq(mailOutbox.to, to)).orderBy(mailOutbox.id);
}

/** A fan with two signed-in devices (sign-up plus one more sign-in). */
async function fanWithTwoSessions(db: Database) {
	const email = uniqueEmail();
	const up = await signUp(
		db,
		{ displayName: 'Theo', email, password: OLD, consentAnalytics: false, consentMarketing: false },
		uniqueIp(),
		'phone'
	);
	if (!up.ok) throw new Error(JSON.stringify(up.errors));
	const second = await signIn(db, { email, password: OLD }, uniqueIp(), 'laptop');
	if (!second.ok) throw new Error(JSON.stringify(second.errors));
	const tokens = [up.value.token, second.value.token];
	for (const token of tokens) expect((await validateSessionToken(db, token)).session).not.toBeNull();
	return { email, user: up.value.user, tokens };
}

async function resetLinkToken(db: Database, email: string): Promise<string> {
	const mails = (await mailTo(db, email)).filter((m) => m.kind === 'reset_password');
	const match = mails.at(-1)?.text.match(/\/reset-password\/([a-z2-7]{32})\b/);
	if (!match) throw new Error(`no reset link mailed to ${email}`);
	return match[1];
}

forEachDriver('passwords', (t) => {
	describe('reset request', () => {
		it('answers an unknown email exactly as a known one, and sends nothing', async () => {
			const { email } = await fanWithTwoSessions(t.db);
			const unknownEmail = uniqueEmail('ghost');
			const known = await requestPasswordReset(t.db, email, uniqueIp());
			const unknown = await requestPasswordReset(t.db, unknownEmail, uniqueIp());
			expect(unknown).toEqual(known);
			expect(known.ok).toBe(true);
			expect(await mailTo(t.db, unknownEmail)).toHaveLength(0);
		});

		it('mails a one-hour link to a known address, whatever the case typed', async () => {
			const { email } = await fanWithTwoSessions(t.db);
			await requestPasswordReset(t.db, `  ${email.toUpperCase()} `, uniqueIp());
			const resets = (await mailTo(t.db, email)).filter((m) => m.kind === 'reset_password');
			expect(resets).toHaveLength(1);
			expect(resets[0].text).toMatch(/https?:\/\/\S+\/reset-password\/[a-z2-7]{32}\b/);
			const token = await resetLinkToken(t.db, email);
			const row = await peekEmailToken(t.db, token, 'reset_password');
			expect(row).toBeDefined();
			const lifetime = row!.expiresAt.getTime() - Date.now();
			expect(lifetime).toBeGreaterThan(59 * 60_000);
			expect(lifetime).toBeLessThanOrEqual(60 * 60_000);
		});
	});

	describe('reset', () => {
		it('works once, ends every session, signs this device in and swaps the password', async () => {
			const { email, user, tokens } = await fanWithTwoSessions(t.db);
			await requestPasswordReset(t.db, email, uniqueIp());
			const token = await resetLinkToken(t.db, email);

			const result = await resetPassword(t.db, token, NEW, 'new phone');
			expect(result.ok).toBe(true);
			if (!result.ok) return;
			for (const old of tokens) expect((await validateSessionToken(t.db, old)).session).toBeNull();
			expect((await validateSessionToken(t.db, result.value.token)).user?.id).toBe(user.id);
			const left = await t.db.select().from(sessions).where(eq(sessions.userId, user.id));
			expect(left).toHaveLength(1);

			// The link proved the address; a notice went out.
			const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
			expect(row.emailVerifiedAt).toBeInstanceOf(Date);
			expect((await mailTo(t.db, email)).map((m) => m.kind)).toContain('password_changed');

			const again = await resetPassword(t.db, token, 'yet another password here', null);
			expect(again).toMatchObject({ ok: false, status: 400, errors: { form: expect.any(String) } });

			expect((await signIn(t.db, { email, password: OLD }, uniqueIp(), null)).ok).toBe(false);
			expect((await signIn(t.db, { email, password: NEW }, uniqueIp(), null)).ok).toBe(true);
		});

		it('refuses an expired link and leaves the password and sessions alone', async () => {
			const { email, user, tokens } = await fanWithTwoSessions(t.db);
			const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
			const token = await issueEmailToken(t.db, user.id, email, 'reset_password', twoHoursAgo);
			expect(await peekEmailToken(t.db, token, 'reset_password')).toBeUndefined();

			const result = await resetPassword(t.db, token, NEW, null);
			expect(result).toMatchObject({ ok: false, status: 400 });
			for (const old of tokens) expect((await validateSessionToken(t.db, old)).session).not.toBeNull();
			expect((await signIn(t.db, { email, password: OLD }, uniqueIp(), null)).ok).toBe(true);
		});

		it('refuses a verification token used as a reset token', async () => {
			const { email, user } = await fanWithTwoSessions(t.db);
			const token = await issueEmailToken(t.db, user.id, email, 'verify_email');
			expect(await resetPassword(t.db, token, NEW, null)).toMatchObject({ ok: false, status: 400 });
		});

		it('a newer link replaces an older one', async () => {
			const { email } = await fanWithTwoSessions(t.db);
			await requestPasswordReset(t.db, email, uniqueIp());
			const first = await resetLinkToken(t.db, email);
			await requestPasswordReset(t.db, email, uniqueIp());
			const second = await resetLinkToken(t.db, email);
			expect(second).not.toBe(first);
			expect((await resetPassword(t.db, first, NEW, null)).ok).toBe(false);
			expect((await resetPassword(t.db, second, NEW, null)).ok).toBe(true);
		});
	});

	describe('change password', () => {
		it('requires the current password', async () => {
			const { user, tokens } = await fanWithTwoSessions(t.db);
			const result = await changePassword(t.db, user.id, 'not my password', NEW, null);
			expect(result).toEqual({ ok: false, status: 400, errors: { current: expect.any(String) } });
			for (const old of tokens) expect((await validateSessionToken(t.db, old)).session).not.toBeNull();
		});

		it('applies the password rules to the new one', async () => {
			const { user } = await fanWithTwoSessions(t.db);
			const result = await changePassword(t.db, user.id, OLD, 'short', null);
			expect(result).toEqual({ ok: false, status: 400, errors: { password: expect.any(String) } });
		});

		it('ends every session, issues a new one and swaps the password', async () => {
			const { email, user, tokens } = await fanWithTwoSessions(t.db);
			const result = await changePassword(t.db, user.id, OLD, NEW, 'laptop');
			expect(result.ok).toBe(true);
			if (!result.ok) return;
			for (const old of tokens) expect((await validateSessionToken(t.db, old)).session).toBeNull();
			expect((await validateSessionToken(t.db, result.value.token)).user?.id).toBe(user.id);
			expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);
			expect((await mailTo(t.db, email)).map((m) => m.kind)).toContain('password_changed');
			expect((await signIn(t.db, { email, password: OLD }, uniqueIp(), null)).ok).toBe(false);
			expect((await signIn(t.db, { email, password: NEW }, uniqueIp(), null)).ok).toBe(true);
		});
	});
});
