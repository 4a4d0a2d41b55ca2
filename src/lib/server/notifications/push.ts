// Web Push: the VAPID key pair (from the environment, else generated once and kept in the
// database so every instance signs alike), the member's devices, and sending one payload.
import { and, eq, sql } from 'drizzle-orm';
import webpush from 'web-push';
import { config } from '../config';
import type { Queryable } from '../db';
import { pushSubscriptions, serverSecrets, type PushSubscriptionRow } from '../db/schema';

export interface VapidKeys {
	publicKey: string;
	privateKey: string;
}

const keyCache = new WeakMap<object, VapidKeys>();

export async function vapidKeys(db: Queryable): Promise<VapidKeys> {
	if (config.vapidPublicKey && config.vapidPrivateKey)
		return { publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey };
	const known = keyCache.get(db);
	if (known) return known;
	// First instance to insert wins; the others read its pair.
	await db
		.insert(serverSecrets)
		.values({ name: 'vapid-keys', value: JSON.stringify(webpush.generateVAPIDKeys()) })
		.onConflictDoNothing();
	const [row] = await db.select().from(serverSecrets).where(eq(serverSecrets.name, 'vapid-keys'));
	const keys = JSON.parse(row.value) as VapidKeys;
	keyCache.set(db, keys);
	return keys;
}

export interface BrowserSubscription {
	endpoint: string;
	keys: { p256dh: string; auth: string };
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** The browser's PushSubscription JSON, checked; null when it is not one. */
export function parseSubscription(value: unknown): BrowserSubscription | null {
	const v = value as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } } | null;
	if (!v || typeof v.endpoint !== 'string' || !v.keys) return null;
	const { p256dh, auth } = v.keys;
	if (typeof p256dh !== 'string' || typeof auth !== 'string') return null;
	if (!BASE64URL.test(p256dh) || !BASE64URL.test(auth) || p256dh.length > 200 || auth.length > 100)
		return null;
	try {
		const url = new URL(v.endpoint);
		const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && config.pushAllowHttp);
		if (!allowed) return null;
	} catch {
		return null;
	}
	if (v.endpoint.length > 1000) return null;
	return { endpoint: v.endpoint, keys: { p256dh, auth } };
}

/** Saves a device; the same endpoint signed in as someone else moves to them. */
export async function saveSubscription(
	db: Queryable,
	memberId: string,
	sub: BrowserSubscription,
	device: string
): Promise<void> {
	await db.execute(sql`
		insert into push_subscriptions (member_id, endpoint, p256dh, auth, device)
		values (${memberId}, ${sub.endpoint}, ${sub.keys.p256dh}, ${sub.keys.auth}, ${device.slice(0, 80)})
		on conflict (endpoint) do update set member_id = excluded.member_id, p256dh = excluded.p256dh,
			auth = excluded.auth, device = excluded.device`);
}

export async function removeSubscription(db: Queryable, memberId: string, endpoint: string): Promise<void> {
	await db
		.delete(pushSubscriptions)
		.where(and(eq(pushSubscriptions.memberId, memberId), eq(pushSubscriptions.endpoint, endpoint)));
}

export function listSubscriptions(db: Queryable, memberId: string): Promise<PushSubscriptionRow[]> {
	return db.select().from(pushSubscriptions).where(eq(pushSubscriptions.memberId, memberId));
}

export interface PushPayload {
	title: string;
	body: string;
	url: string;
	tag: string;
}

export type PushOutcome = 'sent' | 'gone' | { error: string };

/**
 * Sends to one device: 'gone' when the push service says it no longer exists (prune it). web-push
 * encrypts and signs; the request itself goes through fetch, which also reaches the plain-http
 * stand-in service the tests run.
 */
export async function sendPush(
	keys: VapidKeys,
	sub: PushSubscriptionRow,
	payload: PushPayload
): Promise<PushOutcome> {
	try {
		const request = webpush.generateRequestDetails(
			{ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
			JSON.stringify(payload),
			{
				vapidDetails: {
					subject: config.vapidSubject,
					publicKey: keys.publicKey,
					privateKey: keys.privateKey
				},
				TTL: 24 * 3600
			}
		);
		const response = await fetch(request.endpoint, {
			method: request.method,
			headers: request.headers as Record<string, string>,
			body: request.body ? new Uint8Array(request.body) : undefined,
			signal: AbortSignal.timeout(10_000)
		});
		await response.arrayBuffer().catch(() => undefined);
		if (response.ok) return 'sent';
		if (response.status === 404 || response.status === 410) return 'gone';
		return { error: `push service answered ${response.status}` };
	} catch (err) {
		return { error: String(err) };
	}
}
