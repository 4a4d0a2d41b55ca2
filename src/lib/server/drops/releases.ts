// Reaching fans: each moment a drop opens for more members (publishing, then each early-access
// window) is a release row. Due work claims due releases atomically and puts one inbox entry
// before every member who can see the drop at that moment, never before.
import { and, eq, inArray, isNull, lte, notInArray, sql } from 'drizzle-orm';
import { audit } from '../audit';
import { queueDeliveries } from '../notifications';
import { notErased } from '../privacy';
import { rowsOf, type Database, type Queryable } from '../db';
import { dropReleases, drops, tiers, type Drop } from '../db/schema';
import { lowestOpenRank, openingFor } from './access';

/** The ranks at which a drop opens for more people, with when: its minimum tier, then each window. */
export function releasesOf(drop: Pick<Drop, 'minRank' | 'windows' | 'status' | 'publishAt'>) {
	const ranks = new Set([drop.minRank, ...drop.windows.map((w) => w.rank).filter((r) => r >= drop.minRank)]);
	return [...ranks].map((rank) => ({ rank, opensAt: openingFor(drop, rank)! }));
}

/**
 * Keeps a drop's releases in step with its state. A release whose moment is unchanged keeps its
 * "announced" mark; a moved one is announced again (the inbox's dedupe key still tells each member once).
 */
export async function syncReleases(tx: Queryable, drop: Drop): Promise<void> {
	const live = (drop.status === 'published' || drop.status === 'scheduled') && drop.publishAt !== null;
	if (!live) {
		await tx
			.delete(dropReleases)
			.where(and(eq(dropReleases.dropId, drop.id), isNull(dropReleases.announcedAt)));
		return;
	}
	const wanted = releasesOf(drop);
	await tx.delete(dropReleases).where(
		and(
			eq(dropReleases.dropId, drop.id),
			notInArray(
				dropReleases.rank,
				wanted.map((w) => w.rank)
			)
		)
	);
	await tx
		.insert(dropReleases)
		.values(wanted.map((w) => ({ dropId: drop.id, rank: w.rank, opensAt: w.opensAt })))
		.onConflictDoUpdate({
			target: [dropReleases.dropId, dropReleases.rank],
			set: {
				opensAt: sql`excluded.opens_at`,
				announcedAt: sql`case when ${dropReleases.opensAt} = excluded.opens_at then ${dropReleases.announcedAt} else null end`
			}
		});
}

/**
 * A member's tier as of `now` in SQL, for fan-out to many members at once: a held earned tier
 * whose hold has not ended, or an active paid tier. Conservative on purpose: a hold that ended
 * counts as nothing here (the engine re-evaluates it on the member's next visit), so nobody hears
 * about a drop they cannot open.
 */
function effectiveRankSql(now: Date) {
	const at = now.toISOString();
	return sql`greatest(
		case when m.held_until is null or m.held_until > ${at}::timestamptz then coalesce(m.earned_rank, 0) else 0 end,
		case when m.paid_until > ${at}::timestamptz then coalesce(m.paid_rank, 0) else 0 end
	)`;
}

/** Inbox entries for every fan who can read the drop at `now`; one per member and drop, ever. */
async function announce(tx: Queryable, drop: Drop, ranks: number[], now: Date): Promise<number> {
	const lowest = lowestOpenRank(drop, ranks, now);
	if (lowest === null) return 0;
	const data = JSON.stringify({ dropId: drop.id, slug: drop.slug });
	const result = await tx.execute(sql`
		insert into inbox_items (member_id, kind, title, body, link, data, dedupe_key, created_at)
		select u.id, 'drop', ${`New drop: ${drop.title}`}, ${drop.summary}, ${`/drops/${drop.slug}`},
			${data}::jsonb, ${`drop:${drop.id}:`} || u.id::text, ${now.toISOString()}::timestamptz
		from users u
		left join member_tiers m on m.member_id = u.id
		where u.role = 'fan' and ${effectiveRankSql(now)} >= ${lowest} and ${notErased(sql`u.id`)}
		on conflict do nothing
		returning id, member_id`);
	const rows = rowsOf<{ id: number | string; member_id: string }>(result);
	// Set-based, so it bypasses notify: queue the email and push deliveries here.
	await queueDeliveries(
		tx,
		rows.map((r) => ({ id: Number(r.id), memberId: r.member_id, kind: 'drop' }))
	);
	return rows.length;
}

export interface DueWorkResult {
	published: number[];
	announced: { dropId: number; rank: number; members: number }[];
}

/**
 * Scheduled drops go live, and due releases reach their members. Idempotent and safe to run on
 * several instances at once: each row is claimed by one UPDATE … WHERE still-unclaimed.
 */
export async function runDropsDueWork(db: Database, now: Date = new Date()): Promise<DueWorkResult> {
	const published = await db.transaction(async (tx) => {
		const rows = await tx
			.update(drops)
			.set({ status: 'published', updatedAt: now })
			.where(and(eq(drops.status, 'scheduled'), lte(drops.publishAt, now)))
			.returning({ id: drops.id, slug: drops.slug });
		for (const r of rows)
			await audit(tx, {
				actorId: null,
				action: 'drop.published',
				subjectType: 'drop',
				subjectId: String(r.id),
				details: { slug: r.slug, by: 'schedule', at: now.toISOString() }
			});
		return rows.map((r) => r.id);
	});

	const announced = await db.transaction(async (tx) => {
		const claimed = rowsOf<{ drop_id: number; rank: number }>(
			await tx.execute(sql`
				update drop_releases r set announced_at = ${now.toISOString()}::timestamptz
				from drops d
				where d.id = r.drop_id and r.announced_at is null and r.opens_at <= ${now.toISOString()}::timestamptz
					and d.status in ('published', 'scheduled') and d.publish_at <= ${now.toISOString()}::timestamptz
				returning r.drop_id, r.rank`)
		).map((r) => ({ dropId: Number(r.drop_id), rank: Number(r.rank) }));
		if (claimed.length === 0) return [];
		const ids = [...new Set(claimed.map((c) => c.dropId))];
		const [rows, ladder] = await Promise.all([
			tx.select().from(drops).where(inArray(drops.id, ids)),
			tx.select({ rank: tiers.rank }).from(tiers)
		]);
		const ranks = ladder.map((t) => t.rank);
		const out: DueWorkResult['announced'] = [];
		for (const drop of rows) {
			// Several releases of one drop due together reach everyone they let in, in one statement.
			const members = await announce(tx, drop, ranks, now);
			for (const c of claimed.filter((c) => c.dropId === drop.id))
				out.push({ dropId: drop.id, rank: c.rank, members });
		}
		return out;
	});
	return { published, announced };
}
