// Presale codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with a
// CSPRNG. 31^12 ≈ 2^59 codes, so guessing one is hopeless; uniqueness is the database's unique index.
import { randomBytes } from 'node:crypto';

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 12;
/** Printed and encoded in the QR before the code, so the door scanner can tell it from a member card. */
export const CODE_PREFIX = 'TKT';

/** A fresh random code (rejection sampling keeps every character equally likely). */
export function generatePresaleCode(): string {
	let code = '';
	// 248 = 8 × 31: bytes at or above it would favour the first characters.
	while (code.length < CODE_LENGTH) {
		for (const byte of randomBytes(CODE_LENGTH * 2)) {
			if (byte >= 248) continue;
			code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
			if (code.length === CODE_LENGTH) break;
		}
	}
	return code;
}

/** "TKT-7K3Q-D9X2-M4HB": how fans and staff read it. */
export function formatPresaleCode(code: string): string {
	return `${CODE_PREFIX}-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/**
 * A scanned or typed presale code in canonical form, or null: case, spaces and hyphens do not
 * matter, and the look-alikes O → 0 … are not in the alphabet, so a typo is reported, not guessed.
 */
export function normalisePresaleCode(input: string): string | null {
	const text = input.toUpperCase().replace(/[\s-]/g, '');
	if (!text.startsWith(CODE_PREFIX)) return null;
	const code = text.slice(CODE_PREFIX.length);
	if (code.length !== CODE_LENGTH) return null;
	for (const char of code) if (!CODE_ALPHABET.includes(char)) return null;
	return code;
}
