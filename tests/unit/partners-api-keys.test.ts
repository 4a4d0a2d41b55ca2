import { describe, expect, it } from 'vitest';
import { hashToken } from '$lib/server/auth/token';
import { bearerToken, displayPrefix, generateApiKey, KEY_PREFIX } from '$lib/server/partners/api-keys';

describe('API keys', () => {
	it('look like enc_live_ and 32 base32 characters, and are never the same twice', () => {
		const keys = Array.from({ length: 50 }, generateApiKey);
		for (const key of keys) expect(key).toMatch(/^enc_live_[a-z2-7]{32}$/);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('show staff a prefix that tells keys apart without giving them away', () => {
		const key = generateApiKey();
		expect(displayPrefix(key)).toBe(key.slice(0, KEY_PREFIX.length + 6));
		expect(hashToken(key)).toMatch(/^[0-9a-f]{64}$/);
	});
});

describe('bearerToken', () => {
	it.each([
		['Bearer enc_live_abc', 'enc_live_abc'],
		['bearer enc_live_abc', 'enc_live_abc'],
		['BEARER   enc_live_abc  ', 'enc_live_abc'],
		['Bearer', null],
		['Bearer ', null],
		['Basic dXNlcjpwYXNz', null],
		['Bearer two tokens', null],
		['enc_live_abc', null],
		['', null],
		[null, null]
	])('%j gives %j', (header, token) => {
		expect(bearerToken(header)).toBe(token);
	});
});
