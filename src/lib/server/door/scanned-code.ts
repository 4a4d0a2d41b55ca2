// What staff scanned or typed at the door, sorted by shape before anything is looked up. Pure.
// A new kind of code (presale tickets) adds a variant here and a branch where the result is used.
import { normalisePresaleCode } from '../tickets/codes';
import { MEMBER_TOKEN_PREFIX, normaliseManualCode } from '../loyalty/member-card';

export type ScannedCode =
	/** The QR code of a member card (or its text, from a keyboard-style scanner). */
	| { type: 'member-token'; token: string }
	/** The short code printed under the QR, normalised (10 characters, no hyphen). */
	| { type: 'member-manual'; code: string }
	/** A presale ticket code (QR or typed), normalised: 12 characters without the TKT prefix. */
	| { type: 'presale'; code: string }
	| { type: 'unknown' };

/** Longer than any code we issue: a pasted page of text is not worth parsing. */
const MAX_LENGTH = 256;

export function parseScannedCode(raw: string): ScannedCode {
	const text = raw.trim();
	if (!text || text.length > MAX_LENGTH) return { type: 'unknown' };
	if (text.startsWith(`${MEMBER_TOKEN_PREFIX}.`)) return { type: 'member-token', token: text };
	const presale = normalisePresaleCode(text);
	if (presale) return { type: 'presale', code: presale };
	const manual = normaliseManualCode(text);
	if (manual) return { type: 'member-manual', code: manual };
	return { type: 'unknown' };
}
