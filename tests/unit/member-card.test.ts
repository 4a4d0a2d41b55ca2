import { randomBytes, randomUUID } from 'node:crypto';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { normaliseVenue, venueSlug } from '$lib/server/door/check-in';
import {
	formatManualCode,
	manualCode,
	manualCodeIdRange,
	normaliseManualCode,
	signMemberToken,
	verifyMemberToken
} from '$lib/server/loyalty/member-card';
import { parseScannedCode } from '$lib/server/door/scanned-code';

const key = new Uint8Array(randomBytes(32));
const otherKey = new Uint8Array(randomBytes(32));
const memberId = '3f2b9c4e-8d1a-4e6b-9a7c-5d0e1f2a3b4c';

/** Replaces one character of a base64url string with another valid one. */
function flip(text: string, index: number): string {
	const replacement = text[index] === 'A' ? 'B' : 'A';
	return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('member token', () => {
	it('round-trips a member id and is short enough for a small QR code', () => {
		const token = signMemberToken(key, memberId);
		expect(token).toMatch(/^encm1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
		expect(verifyMemberToken(key, token)).toBe(memberId);
		expect(verifyMemberToken(key, signMemberToken(key, memberId.toUpperCase()))).toBe(memberId);
	});

	it('is the same token every time for the same member and key', () => {
		expect(signMemberToken(key, memberId)).toBe(signMemberToken(key, memberId));
		expect(signMemberToken(key, randomUUID())).not.toBe(signMemberToken(key, memberId));
	});

	it('refuses a tampered member id', () => {
		const [prefix, id, signature] = signMemberToken(key, memberId).split('.');
		const otherId = encodeBase64urlNoPadding(new Uint8Array(randomBytes(16)));
		expect(verifyMemberToken(key, `${prefix}.${otherId}.${signature}`)).toBeNull();
		expect(verifyMemberToken(key, `${prefix}.${flip(id, 3)}.${signature}`)).toBeNull();
		// Another member's id with this member's signature.
		const other = signMemberToken(key, randomUUID()).split('.')[1];
		expect(verifyMemberToken(key, `${prefix}.${other}.${signature}`)).toBeNull();
	});

	it('refuses a tampered signature', () => {
		const [prefix, id, signature] = signMemberToken(key, memberId).split('.');
		for (const index of [0, 10, 20]) {
			expect(verifyMemberToken(key, `${prefix}.${id}.${flip(signature, index)}`)).toBeNull();
		}
		// The last character carries 4 unused bits: a non-canonical spelling is not accepted either.
		expect('AQgw').toContain(signature[21]);
		const sibling = String.fromCharCode(signature.charCodeAt(21) + 1);
		expect(verifyMemberToken(key, `${prefix}.${id}.${signature.slice(0, 21)}${sibling}`)).toBeNull();
	});

	it('refuses a wrong prefix, a truncated token and other shapes', () => {
		const token = signMemberToken(key, memberId);
		const rest = token.slice('encm1'.length);
		expect(verifyMemberToken(key, `encm2${rest}`)).toBeNull();
		expect(verifyMemberToken(key, `ENCM1${rest}`)).toBeNull();
		expect(verifyMemberToken(key, token.slice(0, -1))).toBeNull();
		expect(verifyMemberToken(key, token.slice(0, -10))).toBeNull();
		expect(verifyMemberToken(key, token.split('.').slice(0, 2).join('.'))).toBeNull();
		expect(verifyMemberToken(key, `${token}.extra`)).toBeNull();
		expect(verifyMemberToken(key, `${token}A`)).toBeNull();
		expect(verifyMemberToken(key, '')).toBeNull();
		expect(verifyMemberToken(key, 'encm1..')).toBeNull();
		expect(verifyMemberToken(key, `encm1.${'!'.repeat(22)}.${'?'.repeat(22)}`)).toBeNull();
	});

	it('refuses a token signed with another secret', () => {
		expect(verifyMemberToken(otherKey, signMemberToken(key, memberId))).toBeNull();
	});

	it('only signs UUIDs', () => {
		expect(() => signMemberToken(key, 'not-a-member')).toThrow();
	});
});

describe('manual code', () => {
	it('is 10 unambiguous characters, shown in two groups', () => {
		const code = manualCode(key, memberId);
		expect(code).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{10}$/);
		expect(formatManualCode(code)).toBe(`${code.slice(0, 5)}-${code.slice(5)}`);
		expect(manualCode(key, memberId)).toBe(code);
		expect(manualCode(otherKey, memberId)).not.toBe(code);
	});

	it('carries the first 20 bits of the member id, so a primary-key range finds the member', () => {
		const code = manualCode(key, memberId);
		const { from, to } = manualCodeIdRange(code);
		expect(from).toBe('3f2b9000-0000-0000-0000-000000000000');
		expect(to).toBe('3f2b9fff-ffff-ffff-ffff-ffffffffffff');
		for (let i = 0; i < 50; i++) {
			const id = randomUUID();
			const range = manualCodeIdRange(manualCode(key, id));
			expect(id >= range.from && id <= range.to).toBe(true);
		}
	});

	it('reads what people type: case, spaces, hyphens and look-alike letters', () => {
		const code = manualCode(key, memberId);
		expect(normaliseManualCode(formatManualCode(code).toLowerCase())).toBe(code);
		expect(normaliseManualCode(` ${code.slice(0, 5)} ${code.slice(5)} `)).toBe(code);
		expect(normaliseManualCode('0O1IL-abcde')).toBe('00111ABCDE');
		expect(normaliseManualCode('ABCDEFGHJ')).toBeNull();
		expect(normaliseManualCode('ABCDEFGHJKM')).toBeNull();
		expect(normaliseManualCode('ABCDE-FGHJU')).toBeNull();
	});
});

describe('parseScannedCode', () => {
	it('recognises a member token', () => {
		const token = signMemberToken(key, memberId);
		expect(parseScannedCode(token)).toEqual({ type: 'member-token', token });
		expect(parseScannedCode(`  ${token}\n`)).toEqual({ type: 'member-token', token });
		// Shape only: the signature is checked later, against the key.
		expect(parseScannedCode('encm1.forged.token')).toEqual({
			type: 'member-token',
			token: 'encm1.forged.token'
		});
	});

	it('recognises a typed manual code in any reasonable spelling', () => {
		const code = manualCode(key, memberId);
		expect(parseScannedCode(formatManualCode(code))).toEqual({ type: 'member-manual', code });
		expect(parseScannedCode(code.toLowerCase())).toEqual({ type: 'member-manual', code });
	});

	it('calls everything else unknown', () => {
		for (const text of [
			'',
			'   ',
			'hello',
			'https://example.com/',
			'ABCD-EFGH',
			'x'.repeat(300),
			`encm1.${'a'.repeat(300)}`
		]) {
			expect(parseScannedCode(text)).toEqual({ type: 'unknown' });
		}
	});
});

describe('venues', () => {
	it('defaults an empty venue and tidies spacing', () => {
		expect(normaliseVenue('')).toBe('Main venue');
		expect(normaliseVenue(null)).toBe('Main venue');
		expect(normaliseVenue('  Le   Botanique ')).toBe('Le Botanique');
	});

	it('makes stable slugs, also for names without Latin letters', () => {
		expect(venueSlug('Main venue')).toBe('main-venue');
		expect(venueSlug('  Ancienne Belgique — Club! ')).toBe('ancienne-belgique-club');
		expect(venueSlug('Café Röntgen')).toBe('cafe-rontgen');
		expect(venueSlug('')).toBe('main-venue');
		expect(venueSlug('東京ドーム')).toMatch(/^v-[0-9a-f]{10}$/);
		expect(venueSlug('東京ドーム')).not.toBe(venueSlug('大阪城ホール'));
	});
});
