import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { signIn, signUp } from '$lib/server/accounts';
import { config } from '$lib/server/config';
import { openPostgres, type DatabaseHandle } from '$lib/server/db/connect';
import { rateLimits } from '$lib/server/db/schema';
import { consume, LIMITS, type Limit } from '$lib/server/auth/rate-limit';
import { forEachDriver, unique, uniqueEmail, uniqueIp } from './harness';

const PASSWORD = 'rate limits keep us honest';
// RATE_LIMIT_FACTOR multiplies every limit; the tests follow whatever the environment says.
const allowed = (limit: Limit) => limit.max * config.rateLimitFactor;

forEachDriver('rate limits', (t) => {
	const extraHandles: DatabaseHandle[] = [];
	afterAll(async () => {
		await Promise.all(extraHandles.map((h) => h.close()));
	});

	describe('consume', () => {
		it('allows max attempts per window, then refuses with the time left', async () => {
			const key = unique('k');
			const limit = { max: 3, windowSeconds: 60 };
			const now = new Date();
			const results = [];
			for (let i = 0; i < allowed(limit) + 2; i++) results.push(await consume(t.db, key, limit, now));
			expect(results.map((r) => r.allowed)).toEqual([...Array(allowed(limit)).fill(true), false, false]);
			expect(results.map((r) => r.count)).toEqual(results.map((_, i) => i + 1));
			expect(results.at(-1)?.retryAfterSeconds).toBe(60);
		});

		it('starts a new window once the old one is over', async () => {
			const key = unique('k');
			const limit = { max: 1, windowSeconds: 60 };
			const start = new Date(Date.now() - 10 * 60_000);
			for (let i = 0; i < allowed(limit) + 1; i++) await consume(t.db, key, limit, start);
			expect((await consume(t.db, key, limit, new Date(start.getTime() + 30_000))).allowed).toBe(false);
			const next = await consume(t.db, key, limit, new Date(start.getTime() + 60_000));
			expect(next).toEqual({ allowed: true, count: 1, retryAfterSeconds: 60 });
		});
	});

	describe('sign-in', () => {
		it('answers 429 once an account has had its attempts, even with the right password', async () => {
			const email = uniqueEmail();
			const up = await signUp(
				t.db,
				{ displayName: 'Ines', email, password: PASSWORD, consentAnalytics: false, consentMarketing: false },
				uniqueIp(),
				null
			);
			expect(up.ok).toBe(true);
			// Each attempt from a different address: the per-account limit is what stops them.
			for (let i = 0; i < allowed(LIMITS.loginPerAccount); i++) {
				const attempt = await signIn(t.db, { email, password: `wrong guess ${i}` }, uniqueIp(), null);
				expect(attempt).toMatchObject({ ok: false, status: 400 });
			}
			const blocked = await signIn(
				t.db,
				{ email: email.toUpperCase(), password: PASSWORD },
				uniqueIp(),
				null
			);
			expect(blocked).toEqual({
				ok: false,
				status: 429,
				errors: { form: expect.stringMatching(/^Too many attempts\. Please wait 15 minutes/) }
			});
			// Another account is not affected.
			const other = await signIn(t.db, { email: uniqueEmail(), password: PASSWORD }, uniqueIp(), null);
			expect(other.ok === false && other.status).toBe(400);
		});
	});

	describe('sign-up', () => {
		it('answers 429 after the per-address limit', async () => {
			const ip = uniqueIp();
			const input = (email: string) => ({
				displayName: 'Fan',
				email,
				password: PASSWORD,
				consentAnalytics: false,
				consentMarketing: false
			});
			for (let i = 0; i < allowed(LIMITS.signupPerIp); i++) {
				expect((await signUp(t.db, input(uniqueEmail()), ip, null)).ok).toBe(true);
			}
			const blocked = await signUp(t.db, input(uniqueEmail()), ip, null);
			expect(blocked).toMatchObject({ ok: false, status: 429 });
			expect((await signUp(t.db, input(uniqueEmail()), uniqueIp(), null)).ok).toBe(true);
		});
	});

	// Only a real Postgres can have two app instances, and only it shows races:
	// PGlite runs one statement at a time.
	if (t.driver === 'postgres') {
		describe('across app instances', () => {
			it('two handles to one database share the count', async () => {
				const second = await openPostgres(t.url);
				extraHandles.push(second);
				const email = uniqueEmail();
				const max = allowed(LIMITS.loginPerAccount);
				const half = Math.floor(max / 2);
				for (let i = 0; i < max; i++) {
					const instance = i < half ? t.db : second.db;
					const attempt = await signIn(instance, { email, password: 'wrong' }, uniqueIp(), null);
					expect(attempt).toMatchObject({ status: 400 });
				}
				expect(await signIn(t.db, { email, password: 'wrong' }, uniqueIp(), null)).toMatchObject({
					status: 429
				});
				expect(await signIn(second.db, { email, password: 'wrong' }, uniqueIp(), null)).toMatchObject({
					status: 429
				});
				const [row] = await second.db
					.select()
					.from(rateLimits)
					.where(eq(rateLimits.key, `login:account:${email}`));
				expect(row.count).toBe(max + 2);
			});

			it('50 simultaneous attempts on one key with max 10: exactly 10 allowed', async () => {
				const wide = await openPostgres(t.url, { max: 25 });
				extraHandles.push(wide);
				const key = unique('race');
				const limit = { max: 10 / config.rateLimitFactor, windowSeconds: 60 };
				const now = new Date();
				const results = await Promise.all(
					Array.from({ length: 50 }, (_, i) => consume(i % 2 ? wide.db : t.db, key, limit, now))
				);
				expect(results.filter((r) => r.allowed)).toHaveLength(10);
				expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
					Array.from({ length: 50 }, (_, i) => i + 1)
				);
			});
		});
	}
});
