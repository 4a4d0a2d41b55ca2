// The member card: a signed token for the QR code and a short code staff can type when the camera
// fails. Pure functions over the key, plus the two look-ups that need the database.
//
// Token: `encm1.<member id, 16 bytes base64url>.<HMAC-SHA256 of "encm1.<id part>", first 128 bits, base64url>`.
// Manual code (no schema change, self-contained): 10 Crockford base32 characters = the first 20 bits of
// the member id (an index range on users.id finds the few candidates) + 30 bits of HMAC(key, member id).
import { and, gte, lte } from 'drizzle-orm';
import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import type { Queryable } from '../db';
import { users } from '../db/schema';
import { getOrCreateSecret } from '../secrets';

export const MEMBER_TOKEN_PREFIX = 'encm1';
export const MEMBER_CARD_SECRET = 'member-card-v1';

// 128 bits: guessing a signature is as hopeless as guessing a random UUID.
const SIGNATURE_BYTES = 16;
const MANUAL_PREFIX_BITS = 20;
const MANUAL_MAC_BITS = 30;
export const MANUAL_CODE_LENGTH = (MANUAL_PREFIX_BITS + MANUAL_MAC_BITS) / 5;

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed from a screen survives. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL_16_BYTES = /^[A-Za-z0-9_-]{22}$/;

const encoder = new TextEncoder();

/** The signing key, made once per installation and shared by every app instance. */
export async function getMemberCardKey(db: Queryable): Promise<Uint8Array> {
	return decodeBase64urlIgnorePadding(await getOrCreateSecret(db, MEMBER_CARD_SECRET));
}

function uuidToBytes(uuid: string): Uint8Array {
	const hex = uuid.replaceAll('-', '');
	const bytes = new Uint8Array(16);
	for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

function bytesToUuid(bytes: Uint8Array): string {
	const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function tokenSignature(key: Uint8Array, signedPart: string): Uint8Array {
	return hmac(SHA256, key, encoder.encode(signedPart)).slice(0, SIGNATURE_BYTES);
}

export function signMemberToken(key: Uint8Array, memberId: string): string {
	const id = memberId.toLowerCase();
	if (!UUID.test(id)) throw new Error('A member id is a UUID.');
	const signedPart = `${MEMBER_TOKEN_PREFIX}.${encodeBase64urlNoPadding(uuidToBytes(id))}`;
	return `${signedPart}.${encodeBase64urlNoPadding(tokenSignature(key, signedPart))}`;
}

/** The member id a genuine token carries, or null for anything else (never throws). */
export function verifyMemberToken(key: Uint8Array, token: string): string | null {
	const parts = token.split('.');
	if (parts.length !== 3 || parts[0] !== MEMBER_TOKEN_PREFIX) return null;
	const [, idPart, signaturePart] = parts;
	if (!BASE64URL_16_BYTES.test(idPart) || !BASE64URL_16_BYTES.test(signaturePart)) return null;
	let idBytes: Uint8Array;
	let signature: Uint8Array;
	try {
		idBytes = decodeBase64urlIgnorePadding(idPart);
		signature = decodeBase64urlIgnorePadding(signaturePart);
	} catch {
		return null;
	}
	// Only the canonical spelling: the unused low bits of the last character must be zero.
	if (encodeBase64urlNoPadding(signature) !== signaturePart) return null;
	const expected = tokenSignature(key, `${MEMBER_TOKEN_PREFIX}.${idPart}`);
	if (!constantTimeEqual(signature, expected)) return null;
	return bytesToUuid(idBytes);
}

function encodeCrockford(value: bigint, length: number): string {
	let out = '';
	for (let i = length - 1; i >= 0; i--) out += CROCKFORD[Number((value >> BigInt(i * 5)) & 31n)];
	return out;
}

/** The 10-character code for typing, without the hyphen (see formatManualCode). */
export function manualCode(key: Uint8Array, memberId: string): string {
	const id = memberId.toLowerCase();
	if (!UUID.test(id)) throw new Error('A member id is a UUID.');
	const prefix = BigInt(parseInt(id.slice(0, MANUAL_PREFIX_BITS / 4), 16));
	const mac = hmac(SHA256, key, encoder.encode(`${MEMBER_TOKEN_PREFIX}-manual:${id}`));
	const macBits = BigInt(
		((mac[0] << 24) | (mac[1] << 16) | (mac[2] << 8) | mac[3]) >>> (32 - MANUAL_MAC_BITS)
	);
	return encodeCrockford((prefix << BigInt(MANUAL_MAC_BITS)) | macBits, MANUAL_CODE_LENGTH);
}

/** "7K3QDM9X2T" → "7K3QD-M9X2T": two groups of five are easy to read out and to type. */
export function formatManualCode(code: string): string {
	const half = Math.ceil(code.length / 2);
	return `${code.slice(0, half)}-${code.slice(half)}`;
}

/**
 * A typed manual code in canonical form, or null when it cannot be one: case, spaces and hyphens do
 * not matter, and the look-alikes O → 0 and I, L → 1 are read as Crockford intends.
 */
export function normaliseManualCode(input: string): string | null {
	const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
	if (code.length !== MANUAL_CODE_LENGTH) return null;
	for (const char of code) if (!CROCKFORD.includes(char)) return null;
	return code;
}

/** The smallest and largest UUID whose first 20 bits are the code's: a range on the primary key. */
export function manualCodeIdRange(code: string): { from: string; to: string } {
	let value = 0n;
	for (const char of code) value = (value << 5n) | BigInt(CROCKFORD.indexOf(char));
	const prefix = (value >> BigInt(MANUAL_MAC_BITS)).toString(16).padStart(MANUAL_PREFIX_BITS / 4, '0');
	const fill = (digit: string) => {
		const hex = prefix + digit.repeat(32 - prefix.length);
		return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
	};
	return { from: fill('0'), to: fill('f') };
}

/** The member a typed code belongs to, or null. `code` must be normalised. */
export async function findMemberByManualCode(
	db: Queryable,
	key: Uint8Array,
	code: string
): Promise<string | null> {
	const { from, to } = manualCodeIdRange(code);
	// With a million members a range holds about one; the cap only guards against surprises.
	const candidates = await db
		.select({ id: users.id })
		.from(users)
		.where(and(gte(users.id, from), lte(users.id, to)))
		.limit(64);
	const typed = encoder.encode(code);
	for (const { id } of candidates) {
		if (constantTimeEqual(encoder.encode(manualCode(key, id)), typed)) return id;
	}
	return null;
}
