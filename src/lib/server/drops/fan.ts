// What fans get of drops: the feed's teasers and a drop's page, each shaped from what the access
// rule allows. A locked drop's body, media and media URLs are never read into these results.
import { and, eq, sql } from 'drizzle-orm';
import { isStaff } from '../auth';
import { readTogether, type Database, type Queryable, type Read } from '../db';
import { engagements, type Drop } from '../db/schema';
import { log } from '../log';
import { recordEngagementQuickly, getStanding, standingRead, type LadderRow } from '../loyalty';
import { canRead, dropAccess, earlyAccessNote, unlockPath, type DropAccess, type Viewer } from './access';
import { getDropBySlug, listLiveDrops } from './store';

export interface Member {
	id: string;
	role: 'fan' | 'staff' | 'admin';
}

/** The member's tier as of now (the same standing /me shows) and the ladder for the words. */
export async function viewerOf(
	db: Queryable,
	member: Member,
	now: Date
): Promise<{ viewer: Viewer; ladder: LadderRow[] }> {
	const standing = await getStanding(db, member.id, now);
	return { viewer: { rank: standing.progress.rank, staff: isStaff(member) }, ladder: standing.ladder };
}

/** A lock, as the page shows it: why, the way in, and when it opens for this member. */
export interface Lock {
	reason: 'tier' | 'window';
	/** "Reach Insider — or become a Supporter now" (tier) or "Inner Circle and up can read it now." (window). */
	unlock: string | null;
	/** For the member: when it opens for them (window) or for the tier they need (tier), ISO. */
	opensAt: string | null;
	tierName: string | null;
	tierColour: string | null;
}

export function lockOf(access: DropAccess, ladder: readonly LadderRow[]): Lock | null {
	if (access.kind !== 'locked') return null;
	if (access.reason === 'tier') {
		const tier = ladder.find((t) => t.rank === access.needRank);
		return {
			reason: 'tier',
			unlock: unlockPath(ladder, access.needRank),
			opensAt: access.opensAt?.toISOString() ?? null,
			tierName: tier?.name ?? null,
			tierColour: tier?.colour ?? null
		};
	}
	return {
		reason: 'window',
		unlock: earlyAccessNote(ladder, access.openRank),
		opensAt: access.opensAt.toISOString(),
		tierName: null,
		tierColour: null
	};
}

/** The feed visit: recorded, and the previous one returned ("new" badges count from it). */
function feedVisitRead(memberId: string, now: Date): Read<Date | null> {
	const at = now.toISOString();
	return {
		with: [
			sql`feed_previous as (select seen_at from drop_feed_visits where member_id = ${memberId})`,
			sql`feed_marked as (
				insert into drop_feed_visits (member_id, seen_at) values (${memberId}, ${at}::timestamptz)
				on conflict (member_id) do update set seen_at = excluded.seen_at)`
		],
		value: sql`(select seen_at from feed_previous)`,
		parse: (v) => (v ? new Date(v as string | Date) : null)
	};
}

/** When the member's private feed link was made (null: none), as a read. */
function feedTokenRead(memberId: string): Read<Date | null> {
	return {
		value: sql`(select created_at from drop_feed_tokens where member_id = ${memberId}::uuid limit 1)`,
		parse: (v) => (v ? new Date(v as string | Date) : null)
	};
}

export interface FeedItem {
	slug: string;
	title: string;
	summary: string;
	pinned: boolean;
	publishedAt: string;
	open: boolean;
	preview: boolean;
	isNew: boolean;
	lock: Lock | null;
	minTier: { name: string; colour: string } | null;
}

export type FeedFilter = 'all' | 'unlocked' | 'locked' | 'new';

const FIRST_VISIT_NEW = 7 * 24 * 60 * 60 * 1000;
/** Drops per page of the feed: a phone screen or three, and a page that stays small with 1,000 drops. */
export const FEED_PAGE_SIZE = 20;

/**
 * The fan's feed: live drops, pinned first then newest, each through the access rule. Marks the
 * visit, so the next one badges only what appeared since.
 */
export async function loadFeed(
	db: Database,
	member: Member,
	now: Date,
	filter: FeedFilter = 'all',
	page = 1
): Promise<{
	items: FeedItem[];
	counts: Record<FeedFilter, number>;
	lastVisit: string | null;
	page: number;
	pages: number;
	/** When the member's private feed link was made, if they have one. */
	feedSince: string | null;
}> {
	// The standing, the visit and the feed link in one statement (db/together.ts).
	const [standingR, rows] = await Promise.all([standingRead(db, member.id, now), listLiveDrops(db, now)]);
	const { standing, previous, feedSince } = await readTogether(db, {
		standing: standingR,
		previous: feedVisitRead(member.id, now),
		feedSince: feedTokenRead(member.id)
	});
	const viewer: Viewer = { rank: standing.progress.rank, staff: isStaff(member) };
	const ladder = standing.ladder;
	const visit = previous ? { seenAt: previous } : undefined;
	const since = visit?.seenAt ?? new Date(now.getTime() - FIRST_VISIT_NEW);
	const ranks = ladder.map((t) => t.rank);
	// Every live drop goes through the access rule (the counts need them all); only the page's
	// items are shaped for display, so a thousand drops cost a thousand cheap decisions per view.
	const all = rows.map((drop) => {
		const access = dropAccess(drop, viewer, now, ranks);
		// New: it became readable for this member (or appeared, if locked) since the last visit.
		const appeared = access.kind === 'open' && access.since ? access.since : drop.publishAt!;
		return { drop, access, open: canRead(access), isNew: appeared.getTime() > since.getTime() };
	});
	const counts = {
		all: all.length,
		unlocked: all.filter((i) => i.open).length,
		locked: all.filter((i) => !i.open).length,
		new: all.filter((i) => i.isNew).length
	};
	const matching = all.filter((i) =>
		filter === 'unlocked' ? i.open : filter === 'locked' ? !i.open : filter === 'new' ? i.isNew : true
	);
	const pages = Math.max(1, Math.ceil(matching.length / FEED_PAGE_SIZE));
	const current = Math.min(Math.max(1, Math.floor(page)), pages);
	const items = matching
		.slice((current - 1) * FEED_PAGE_SIZE, current * FEED_PAGE_SIZE)
		.map(({ drop, access, open, isNew }): FeedItem => {
			const tier = drop.minRank > 0 ? ladder.find((t) => t.rank === drop.minRank) : undefined;
			return {
				slug: drop.slug,
				title: drop.title,
				summary: drop.summary,
				pinned: drop.pinned,
				publishedAt: drop.publishAt!.toISOString(),
				open,
				preview: access.kind === 'open' && access.preview,
				isNew,
				lock: lockOf(access, ladder),
				minTier: tier ? { name: tier.name, colour: tier.colour } : null
			};
		});
	return {
		items,
		counts,
		lastVisit: visit?.seenAt.toISOString() ?? null,
		page: current,
		pages,
		feedSince: feedSince?.toISOString() ?? null
	};
}

/** One index probe, so rereading a drop does not take the member's ledger lock each time. */
async function hasOpened(db: Queryable, memberId: string, dropId: number): Promise<boolean> {
	const [row] = await db
		.select({ id: engagements.id })
		.from(engagements)
		.where(
			and(
				eq(engagements.memberId, memberId),
				eq(engagements.kind, 'drop_opened'),
				eq(engagements.object, `drop:${dropId}`)
			)
		)
		.limit(1);
	return !!row;
}

export type DropPage =
	| { kind: 'missing' }
	| {
			kind: 'locked';
			drop: Pick<Drop, 'slug' | 'title' | 'summary'> & { publishedAt: string };
			lock: Lock;
	  }
	| {
			kind: 'open';
			drop: Pick<Drop, 'id' | 'slug' | 'title' | 'summary' | 'bodyHtml'> & { publishedAt: string | null };
			preview: boolean;
			status: Drop['status'];
	  };

/**
 * One drop for one member. Only an open drop's body leaves this function; opening it records the
 * `drop_opened` engagement once per member and drop (staff previews earn nothing).
 */
export async function loadDropPage(db: Database, member: Member, slug: string, now: Date): Promise<DropPage> {
	const [{ viewer, ladder }, drop] = await Promise.all([viewerOf(db, member, now), getDropBySlug(db, slug)]);
	if (!drop) return { kind: 'missing' };
	const access = dropAccess(
		drop,
		viewer,
		now,
		ladder.map((t) => t.rank)
	);
	if (access.kind === 'hidden') return { kind: 'missing' };
	if (access.kind === 'locked') {
		return {
			kind: 'locked',
			drop: {
				slug: drop.slug,
				title: drop.title,
				summary: drop.summary,
				publishedAt: drop.publishAt!.toISOString()
			},
			lock: lockOf(access, ladder)!
		};
	}
	if (!access.preview && !(await hasOpened(db, member.id, drop.id))) {
		await recordEngagementQuickly(
			db,
			{
				memberId: member.id,
				kind: 'drop_opened',
				object: `drop:${drop.id}`,
				source: 'portal',
				idempotencyKey: `drop-opened:${member.id}:${drop.id}`,
				occurredAt: now
			},
			{ now }
		).catch((err) => log.error('drop_opened not recorded', { dropId: drop.id, error: String(err) }));
	}
	return {
		kind: 'open',
		drop: {
			id: drop.id,
			slug: drop.slug,
			title: drop.title,
			summary: drop.summary,
			bodyHtml: drop.bodyHtml,
			publishedAt: drop.publishAt?.toISOString() ?? null
		},
		preview: access.preview,
		status: drop.status
	};
}
