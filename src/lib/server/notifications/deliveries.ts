// The pipeline's fan-out: every new inbox item gets one delivery row per channel the member wants
// it on, in the same transaction as the item. The dispatcher (dispatch.ts) sends them later, so a
// slow mail server or push service never holds up the write that caused the notification.
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import { jsonList, recordSet } from '../db/batch';
import { channelsFor, type Recipient } from './kinds';

export async function loadRecipients(
	db: Queryable,
	memberIds: readonly string[]
): Promise<Map<string, Recipient>> {
	const ids = [...new Set(memberIds)];
	const recipients = new Map<string, Recipient>();
	if (ids.length === 0) return recipients;
	const result = await db.execute(sql`
		select u.id, u.email_verified_at is not null as verified, u.consent_marketing as marketing,
			exists (select 1 from push_subscriptions p where p.member_id = u.id) as push,
			coalesce((select json_agg(json_build_array(n.kind || ':' || n.channel, n.enabled))
				from notification_preferences n where n.member_id = u.id), '[]'::json) as choices
		from users u where u.id in ${jsonList(ids, 'uuid')}`);
	for (const r of rowsOf<{
		id: string;
		verified: boolean;
		marketing: boolean;
		push: boolean;
		choices: [string, boolean][] | string;
	}>(result)) {
		const choices = typeof r.choices === 'string' ? JSON.parse(r.choices) : r.choices;
		recipients.set(r.id, {
			emailVerified: r.verified,
			consentMarketing: r.marketing,
			hasPushDevice: r.push,
			choices: new Map(choices)
		});
	}
	return recipients;
}

/** Queues the deliveries for freshly inserted inbox items. */
export async function queueDeliveries(
	tx: Queryable,
	items: readonly { id: number; memberId: string; kind: string }[]
): Promise<number> {
	if (items.length === 0) return 0;
	const recipients = await loadRecipients(
		tx,
		items.map((i) => i.memberId)
	);
	const rows = items.flatMap((item) => {
		const recipient = recipients.get(item.memberId);
		if (!recipient) return [];
		return channelsFor(recipient, item.kind).map((channel) => ({
			inbox_item_id: item.id,
			member_id: item.memberId,
			channel
		}));
	});
	if (rows.length === 0) return 0;
	await tx.execute(sql`
		insert into notification_deliveries (inbox_item_id, member_id, channel)
		select inbox_item_id, member_id, channel
		from ${recordSet('d', 'inbox_item_id bigint, member_id uuid, channel text', rows)}
		on conflict do nothing`);
	return rows.length;
}
