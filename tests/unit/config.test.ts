// config.ts reads process.env once, at import: each case imports a fresh copy.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Cookies } from '@sveltejs/kit';

async function freshConfig(env: Record<string, string | undefined>) {
	vi.resetModules();
	vi.stubEnv('ENCORE_SKIP_DOTENV', '1'); // a developer's .env must not change the answer
	for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
	return (await import('$lib/server/config')).config;
}

afterEach(() => {
	vi.unstubAllEnvs();
	vi.resetModules();
});

describe('config.cookieSecure', () => {
	it('is on in production and off otherwise by default', async () => {
		expect((await freshConfig({ NODE_ENV: 'production', COOKIE_SECURE: undefined })).cookieSecure).toBe(true);
		expect((await freshConfig({ NODE_ENV: 'development', COOKIE_SECURE: undefined })).cookieSecure).toBe(
			false
		);
		expect((await freshConfig({ NODE_ENV: 'test', COOKIE_SECURE: '' })).cookieSecure).toBe(false);
	});

	it('follows COOKIE_SECURE when it is set', async () => {
		expect((await freshConfig({ NODE_ENV: 'development', COOKIE_SECURE: 'true' })).cookieSecure).toBe(true);
		expect((await freshConfig({ NODE_ENV: 'production', COOKIE_SECURE: '0' })).cookieSecure).toBe(false);
	});

	it('reaches the session cookie: Secure in production', async () => {
		await freshConfig({ NODE_ENV: 'production', COOKIE_SECURE: undefined });
		const { setSessionCookie } = await import('$lib/server/auth/session');
		const set = vi.fn();
		setSessionCookie({ set } as unknown as Cookies, 'tok', new Date());
		expect(set).toHaveBeenCalledWith(
			'encore_session',
			'tok',
			expect.objectContaining({ secure: true, httpOnly: true })
		);
	});
});

describe('config', () => {
	it('reads numbers and flags, falling back on nonsense', async () => {
		const c = await freshConfig({ SESSION_DAYS: 'soon', RATE_LIMIT_FACTOR: '0', ENCORE_DEMO: 'YES' });
		expect(c.sessionDays).toBe(30);
		expect(c.rateLimitFactor).toBe(1); // never below 1
		expect(c.demo).toBe(true);
	});

	it('builds the public origin without a trailing slash', async () => {
		expect((await freshConfig({ ORIGIN: 'https://fans.example/', PORT: '8080' })).origin).toBe(
			'https://fans.example'
		);
		expect((await freshConfig({ ORIGIN: undefined, PORT: '8080' })).origin).toBe('http://localhost:8080');
	});
});
