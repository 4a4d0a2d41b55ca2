// The member's in-app inbox. Every notification lands here first (notify); email and push are
// queued from the same rows (deliveries.ts).
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { jsonValue, readTogether, type Queryable, type Read } from '../db';
import { preparedOnce } from '../db/prepared';
import { queueDeliveries } from './deliveries';
import { inboxItems, type InboxItem } from '../db/schema';

export interface NewInboxItem {
	memberId: string;
	kind: string;
	title: string;
	body?: string;
	link?: string | null;
	data?: Record<string, unknown>;
	/** One item per key, ever: a retried transaction or a rebuild cannot post the same moment twice. */
	dedupeKey?: string;
}

/**
 * The one way to tell members something. Posts the items in one statement (a batch of tier-ups);
 * each dedupe key still posts once. Every new item is also queued for email and push as its member
 * wants, in the same transaction, so a rolled-back change tells nobody.
 */
export async function notify(
	db: Queryable,
	itemOrItems: NewInboxItem | readonly NewInboxItem[]
): Promise<void> {
	const items = Array.isArray(itemOrItems)
		? (itemOrItems as readonly NewInboxItem[])
		: [itemOrItems as NewInboxItem];
	if (items.length === 0) return;
	const inserted = await db
		.insert(inboxItems)
		.values(items.map((item) => ({ ...item, body: item.body ?? '', data: item.data ?? {} })))
		.onConflictDoNothing()
		.returning({ id: inboxItems.id, memberId: inboxItems.memberId, kind: inboxItems.kind });
	await queueDeliveries(db, inserted);
}

export function listInbox(db: Queryable, memberId: string, limit = 50): Promise<InboxItem[]> {
	return db
		.select()
		.from(inboxItems)
		.where(eq(inboxItems.memberId, memberId))
		.orderBy(desc(inboxItems.createdAt), desc(inboxItems.id))
		.limit(limit);
}

export async function unreadCount(db: Queryable, memberId: string): Promise<number> {
	const [row] = await preparedOnce(db, 'unread', () =>
		db
			.select({ n: count() })
			.from(inboxItems)
			.where(and(eq(inboxItems.memberId, sql.placeholder('memberId')), isNull(inboxItems.readAt)))
			.prepare('encore_unread')
	).execute({ memberId });
	return row.n;
}

export async function markAllRead(db: Queryable, memberId: string): Promise<void> {
	await db
		.update(inboxItems)
		.set({ readAt: new Date() })
		.where(and(eq(inboxItems.memberId, memberId), isNull(inboxItems.readAt)));
}

/** The newest tier-up not yet celebrated on screen. */
export type Celebration = Pick<InboxItem, 'id' | 'title' | 'body' | 'data'>;

export async function pendingCelebration(db: Queryable, memberId: string): Promise<Celebration | null> {
	return (await readTogether(db, { c: celebrationRead(memberId) })).c;
}

/** pendingCelebration as a read a page can ask together with its others (db/together.ts). */
export function celebrationRead(memberId: string): Read<Celebration | null> {
	return {
		value: sql`(select row_to_json(c) from (
			select id, title, body, data from inbox_items
			where member_id = ${memberId}::uuid and kind = 'tier_up' and celebrated_at is null
			order by id desc limit 1) c)`,
		parse: (v) => (v == null ? null : jsonValue<Celebration>(v))
	};
}

/** Marks every pending celebration of the member as shown (older ones are superseded by the newest). */
export async function markCelebrated(db: Queryable, memberId: string): Promise<void> {
	await db
		.update(inboxItems)
		.set({ celebratedAt: new Date() })
		.where(
			and(eq(inboxItems.memberId, memberId), eq(inboxItems.kind, 'tier_up'), isNull(inboxItems.celebratedAt))
		);
}
