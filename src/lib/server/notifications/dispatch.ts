// Sends queued deliveries (deliveries.ts): emails through the mail outbox, pushes to every device
// the member has. Rows are claimed with SKIP LOCKED, so several instances share the queue and
// each delivery goes out once; a failure is retried with backoff, then marked failed.
import { eq, inArray, sql } from 'drizzle-orm';
import { config } from '../config';
import { rowsOf, type Database, type Queryable } from '../db';
import { inboxItems, pushSubscriptions, users, type NotificationDelivery } from '../db/schema';
import { getHouse } from '../house';
import { log } from '../log';
import { deliver, enqueueMail } from './mail/outbox';
import { notificationMessage } from './mail/templates';
import { kindInfo, MAX_ATTEMPTS, NOTIFICATION_KINDS, retryDelayMs } from './kinds';
import { listSubscriptions, sendPush, vapidKeys } from './push';
import { signUnsubscribe, unsubscribeSecret } from './unsubscribe';

/** A claim older than this belonged to an instance that died mid-send: take it over. */
const STALE_CLAIM_MS = 5 * 60_000;

async function claim(db: Queryable, now: Date, limit: number): Promise<NotificationDelivery[]> {
	// The database keeps microseconds and a Date milliseconds: anything due within `now`'s
	// millisecond is due (else a row written in the same millisecond would wait a tick).
	const due = new Date(now.getTime() + 1);
	const result = await db.execute(sql`
		update notification_deliveries set status = 'sending', attempts = attempts + 1, claimed_at = ${now.toISOString()}::timestamptz
		where id in (
			select id from notification_deliveries
			where (status = 'pending' and next_attempt_at < ${due.toISOString()}::timestamptz)
				or (status = 'sending' and claimed_at < ${new Date(now.getTime() - STALE_CLAIM_MS).toISOString()}::timestamptz)
			order by id limit ${limit}
			for update skip locked)
		returning id, inbox_item_id, member_id, channel, attempts`);
	return rowsOf<{
		id: number | string;
		inbox_item_id: number | string;
		member_id: string;
		channel: string;
		attempts: number;
	}>(result).map((r) => ({
		id: Number(r.id),
		inboxItemId: Number(r.inbox_item_id),
		memberId: r.member_id,
		channel: r.channel,
		attempts: r.attempts
	})) as NotificationDelivery[];
}

async function finish(
	db: Queryable,
	delivery: Pick<NotificationDelivery, 'id' | 'attempts'>,
	outcome: 'sent' | 'skipped' | { error: string },
	now: Date
): Promise<void> {
	if (outcome === 'sent' || outcome === 'skipped') {
		await db.execute(
			sql`update notification_deliveries set status = ${outcome}, sent_at = ${now.toISOString()}::timestamptz, last_error = null where id = ${delivery.id}`
		);
		return;
	}
	const failed = delivery.attempts >= MAX_ATTEMPTS;
	const next = new Date(now.getTime() + retryDelayMs(delivery.attempts));
	await db.execute(sql`
		update notification_deliveries set status = ${failed ? 'failed' : 'pending'},
			next_attempt_at = ${next.toISOString()}::timestamptz, last_error = ${outcome.error.slice(0, 500)}
		where id = ${delivery.id}`);
}

const absolute = (link: string | null) =>
	link
		? /^https?:\/\//.test(link)
			? link
			: `${config.origin}${link.startsWith('/') ? '' : '/'}${link}`
		: null;

/** Sends up to `limit` due deliveries; returns how many were handled. */
export async function runNotificationDueWork(db: Database, now = new Date(), limit = 50): Promise<number> {
	const claimed = await claim(db, now, limit);
	if (claimed.length === 0) return 0;
	const [items, members] = await Promise.all([
		db
			.select()
			.from(inboxItems)
			.where(
				inArray(
					inboxItems.id,
					claimed.map((d) => d.inboxItemId)
				)
			),
		db
			.select({ id: users.id, email: users.email, displayName: users.displayName })
			.from(users)
			.where(
				inArray(
					users.id,
					claimed.map((d) => d.memberId)
				)
			)
	]);
	const itemById = new Map(items.map((i) => [i.id, i]));
	const memberById = new Map(members.map((m) => [m.id, m]));
	const house = await getHouse(db);
	for (const delivery of claimed) {
		const item = itemById.get(delivery.inboxItemId);
		const member = memberById.get(delivery.memberId);
		try {
			if (!item || !member) {
				await finish(db, delivery, 'skipped', now);
			} else if (delivery.channel === 'email') {
				const secret = await unsubscribeSecret(db);
				const token = signUnsubscribe(secret, {
					memberId: member.id,
					kind: kindInfo(item.kind).kind,
					channel: 'email'
				});
				const unsubscribe = `${config.origin}/unsubscribe/${token}`;
				const message = notificationMessage(
					house.name,
					{ title: item.title, body: item.body, url: absolute(item.link) },
					`“${kindInfo(item.kind).label}” by email`,
					{ unsubscribe, preferences: `${config.origin}/account/notifications` }
				);
				const mail = await enqueueMail(db, {
					to: member.email,
					...message,
					kind: `notification:${item.kind}`,
					// RFC 8058: mail clients offer their own one-click unsubscribe button.
					headers: {
						'List-Unsubscribe': `<${unsubscribe}?/oneClick>`,
						'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click'
					}
				});
				await deliver(db, mail);
				await finish(db, delivery, 'sent', now);
			} else {
				await finish(db, delivery, await pushToDevices(db, member.id, item), now);
			}
		} catch (err) {
			log.error('notification delivery failed', { id: delivery.id, error: String(err) });
			await finish(db, delivery, { error: String(err) }, now);
		}
	}
	return claimed.length;
}

async function pushToDevices(
	db: Queryable,
	memberId: string,
	item: { id: number; kind: string; title: string; body: string; link: string | null }
): Promise<'sent' | 'skipped' | { error: string }> {
	const devices = await listSubscriptions(db, memberId);
	if (devices.length === 0) return 'skipped';
	const keys = await vapidKeys(db);
	const payload = {
		title: item.title,
		body: item.body,
		url: item.link ?? '/me/inbox',
		tag: `inbox-${item.id}`
	};
	let sent = 0;
	const errors: string[] = [];
	for (const device of devices) {
		const outcome = await sendPush(keys, device, payload);
		if (outcome === 'sent') {
			sent++;
			await db
				.update(pushSubscriptions)
				.set({ lastSuccessAt: new Date() })
				.where(eq(pushSubscriptions.id, device.id));
		} else if (outcome === 'gone') {
			// The browser dropped this subscription: forget the device.
			await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, device.id));
		} else {
			errors.push(outcome.error);
		}
	}
	// Delivered to at least one device counts; retrying would notify those devices twice.
	if (sent > 0 || errors.length === 0) return sent > 0 ? 'sent' : 'skipped';
	return { error: errors.join('; ') };
}

/** All the kinds a member can set, for unsubscribe-from-everything. */
export const ALL_KINDS = NOTIFICATION_KINDS.map((k) => k.kind);
