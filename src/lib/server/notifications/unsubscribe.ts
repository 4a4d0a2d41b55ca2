// One-click unsubscribe: a link in every notification email that works without signing in. The
// token names the member, kind and channel and is signed with a server secret, so nobody can
// craft one for someone else; it never expires, as mail clients keep old messages.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Queryable } from '../db';
import { getOrCreateSecret } from '../secrets';
import type { Channel } from './kinds';

export interface UnsubscribeTarget {
	memberId: string;
	/** A notification kind, or '*' for every email. */
	kind: string;
	channel: Channel;
}

const mac = (secret: string, payload: string) =>
	createHmac('sha256', secret).update(payload).digest('base64url');

export function signUnsubscribe(secret: string, target: UnsubscribeTarget): string {
	const payload = Buffer.from(JSON.stringify([target.memberId, target.kind, target.channel])).toString(
		'base64url'
	);
	return `${payload}.${mac(secret, payload)}`;
}

export function verifyUnsubscribe(secret: string, token: string): UnsubscribeTarget | null {
	const [payload, signature, extra] = token.split('.');
	if (!payload || !signature || extra !== undefined) return null;
	const expected = Buffer.from(mac(secret, payload));
	const given = Buffer.from(signature);
	if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
	try {
		const [memberId, kind, channel] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		if (typeof memberId !== 'string' || typeof kind !== 'string') return null;
		if (channel !== 'email' && channel !== 'push') return null;
		return { memberId, kind, channel };
	} catch {
		return null;
	}
}

export const unsubscribeSecret = (db: Queryable) => getOrCreateSecret(db, 'unsubscribe-links');

/** Turns the kind (or with '*', every kind and marketing email) off for the member. */
export async function applyUnsubscribe(
	db: Queryable,
	target: UnsubscribeTarget,
	kinds: readonly string[]
): Promise<void> {
	const list = target.kind === '*' ? kinds : [target.kind];
	for (const kind of list) await setPreference(db, target.memberId, kind, target.channel, false);
	if (target.kind === '*') {
		await db.execute(
			sql`update users set consent_marketing = false, consent_updated_at = now() where id = ${target.memberId}`
		);
	}
}

export async function setPreference(
	db: Queryable,
	memberId: string,
	kind: string,
	channel: Channel,
	enabled: boolean
): Promise<void> {
	await db.execute(sql`
		insert into notification_preferences (member_id, kind, channel, enabled, updated_at)
		values (${memberId}, ${kind}, ${channel}, ${enabled}, now())
		on conflict (member_id, kind, channel) do update set enabled = excluded.enabled, updated_at = now()`);
}
