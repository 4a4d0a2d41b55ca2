// The signed link in a feedback request: the request id and when the link stops asking, signed
// with a server secret (HMAC-SHA-256), so nobody can answer for someone else. Pure but for the
// secret, which the caller fetches (feedbackSecret).
import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (secret: string, payload: string) =>
	createHmac('sha256', secret).update(`feedback:${payload}`).digest('base64url');

export function signFeedbackToken(secret: string, requestId: number, expiresAt: Date): string {
	const payload = `${requestId.toString(36)}-${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
	return `${payload}.${mac(secret, payload)}`;
}

export type TokenCheck =
	{ ok: true; requestId: number; expiresAt: Date } | { ok: false; why: 'forged' | 'expired' };

export function verifyFeedbackToken(secret: string, token: string, now: Date): TokenCheck {
	const match = /^([0-9a-z]{1,7})-([0-9a-z]{1,8})\.([\w-]{43})$/.exec(token);
	if (!match) return { ok: false, why: 'forged' };
	const [, id, exp, signature] = match;
	const expected = Buffer.from(mac(secret, `${id}-${exp}`));
	const given = Buffer.from(signature);
	if (expected.length !== given.length || !timingSafeEqual(expected, given))
		return { ok: false, why: 'forged' };
	const requestId = parseInt(id, 36);
	const expiresAt = new Date(parseInt(exp, 36) * 1000);
	if (!Number.isSafeInteger(requestId) || requestId < 1 || requestId > 2_147_483_647)
		return { ok: false, why: 'forged' };
	if (now >= expiresAt) return { ok: false, why: 'expired' };
	return { ok: true, requestId, expiresAt };
}
