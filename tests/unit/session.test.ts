import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	generateSessionToken,
	sessionLifetimeMs,
	setSessionCookie,
	SESSION_COOKIE,
	shouldRenew
} from '$lib/server/auth/session';
import { generateToken, hashToken } from '$lib/server/auth/token';
import { config } from '$lib/server/config';
import type { Cookies } from '@sveltejs/kit';

const DAY = 24 * 3600 * 1000;

describe('session tokens', () => {
	it('are 20 random bytes in lower-case base32: 32 characters', () => {
		for (let i = 0; i < 100; i++) expect(generateSessionToken()).toMatch(/^[a-z2-7]{32}$/);
	});

	it('never repeat', () => {
		const tokens = new Set(Array.from({ length: 5000 }, () => generateToken()));
		expect(tokens.size).toBe(5000);
	});

	it('use every base32 symbol in roughly equal measure (no fixed or biased positions)', () => {
		const counts = new Map<string, number>();
		const positions = Array.from({ length: 32 }, () => new Set<string>());
		for (let i = 0; i < 2000; i++) {
			[...generateToken()].forEach((c, p) => {
				counts.set(c, (counts.get(c) ?? 0) + 1);
				positions[p].add(c);
			});
		}
		expect(counts.size).toBe(32);
		// 64,000 symbols over 32 values: 2,000 each on average.
		for (const n of counts.values()) expect(n).toBeGreaterThan(1600);
		// 160 bits fill 32 symbols exactly, so even the last position takes every value.
		for (const seen of positions) expect(seen.size).toBe(32);
	});
});

describe('hashToken', () => {
	it('is SHA-256 in lower-case hex', () => {
		expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		const token = generateToken();
		expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
		expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
	});

	it('is deterministic and tells tokens apart', () => {
		const a = generateToken();
		const b = generateToken();
		expect(hashToken(a)).toBe(hashToken(a));
		expect(hashToken(a)).not.toBe(hashToken(b));
	});
});

describe('shouldRenew (sliding expiry)', () => {
	const now = new Date('2026-05-01T12:00:00Z');
	const lifetime = 30 * DAY;
	const at = (ms: number) => new Date(now.getTime() + ms);

	it('renews once less than half the lifetime is left, not before', () => {
		expect(shouldRenew(at(lifetime), now, lifetime)).toBe(false);
		expect(shouldRenew(at(lifetime / 2 + 1), now, lifetime)).toBe(false);
		expect(shouldRenew(at(lifetime / 2), now, lifetime)).toBe(false);
		expect(shouldRenew(at(lifetime / 2 - 1), now, lifetime)).toBe(true);
		expect(shouldRenew(at(1), now, lifetime)).toBe(true);
	});

	it('defaults to the configured lifetime', () => {
		expect(sessionLifetimeMs()).toBe(config.sessionDays * DAY);
		expect(shouldRenew(at(sessionLifetimeMs() / 2 - 1), now)).toBe(true);
		expect(shouldRenew(at(sessionLifetimeMs() / 2), now)).toBe(false);
	});
});

describe('setSessionCookie', () => {
	it('sets an HttpOnly, SameSite=Lax cookie for the whole site that ends with the session', () => {
		const calls: [string, string, Record<string, unknown>][] = [];
		const cookies = { set: (...args: (typeof calls)[number]) => calls.push(args) } as unknown as Cookies;
		const expires = new Date(Date.now() + DAY);
		setSessionCookie(cookies, 'tok', expires);
		expect(calls).toEqual([
			[
				SESSION_COOKIE,
				'tok',
				{ path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, expires }
			]
		]);
	});
});
