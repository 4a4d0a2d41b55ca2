// The member's private Atom feed: a revocable token (only its hash is stored) that lists exactly
// what the access rule lets that member read now, for feed readers and podcast apps.
import { eq, inArray, sql } from 'drizzle-orm';
import { generateToken, hashToken, getUserById } from '../auth';
import type { Database, Queryable } from '../db';
import { preparedOnce } from '../db/prepared';
import { dropFeedTokens, drops } from '../db/schema';
import { escapeHtml } from '$lib/html';
import { canRead, dropAccess } from './access';
import { viewerOf, type Member } from './fan';
import { MEDIA_PREFIX } from './markdown';
import { listLiveDrops } from './store';

/** A new feed link for the member; the previous one stops working at once. */
export async function createFeedToken(db: Queryable, memberId: string, now = new Date()): Promise<string> {
	const token = generateToken();
	await db
		.insert(dropFeedTokens)
		.values({ memberId, tokenHash: hashToken(token), createdAt: now })
		.onConflictDoUpdate({
			target: dropFeedTokens.memberId,
			set: { tokenHash: hashToken(token), createdAt: now }
		});
	return token;
}

export async function revokeFeedToken(db: Queryable, memberId: string): Promise<void> {
	await db.delete(dropFeedTokens).where(eq(dropFeedTokens.memberId, memberId));
}

export async function feedTokenCreatedAt(db: Queryable, memberId: string): Promise<Date | null> {
	// Read on every feed view: built once (see db/prepared.ts).
	const [row] = await preparedOnce(db, 'feed-token', () =>
		db
			.select({ createdAt: dropFeedTokens.createdAt })
			.from(dropFeedTokens)
			.where(eq(dropFeedTokens.memberId, sql.placeholder('memberId')))
			.limit(1)
			.prepare('encore_feed_token')
	).execute({ memberId });
	return row?.createdAt ?? null;
}

/** The member a feed token belongs to, if it is current. */
export async function memberForFeedToken(db: Queryable, token: string): Promise<Member | null> {
	if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return null;
	const [row] = await db
		.select({ memberId: dropFeedTokens.memberId })
		.from(dropFeedTokens)
		.where(eq(dropFeedTokens.tokenHash, hashToken(token)))
		.limit(1);
	if (!row) return null;
	const user = await getUserById(db, row.memberId);
	return user ? { id: user.id, role: user.role } : null;
}

/** Media URLs in a body, made absolute and carrying the feed key (readers have no session). */
export function feedBody(html: string, origin: string, token: string): string {
	return html.replace(
		/(^|["\s,])\/drops\/media\/([0-9a-f-]{36}\/[\w.]+)/gi,
		(_, before: string, rest: string) =>
			`${before}${origin}${MEDIA_PREFIX}${rest}?key=${encodeURIComponent(token)}`
	);
}

export interface AtomEntry {
	id: string;
	title: string;
	url: string;
	updated: Date;
	summary: string;
	html: string;
}

/** Atom 1.0, escaped by hand: a handful of elements needs no XML library. */
export function buildAtom(feed: {
	title: string;
	selfUrl: string;
	siteUrl: string;
	updated: Date;
	entries: AtomEntry[];
}): string {
	const x = escapeHtml;
	const entries = feed.entries
		.map(
			(e) => `  <entry>
    <id>${x(e.id)}</id>
    <title>${x(e.title)}</title>
    <link rel="alternate" href="${x(e.url)}"/>
    <updated>${e.updated.toISOString()}</updated>
    <summary>${x(e.summary)}</summary>
    <content type="html">${x(e.html)}</content>
  </entry>`
		)
		.join('\n');
	return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${x(feed.selfUrl.replace(/\/[^/]*$/, '/'))}</id>
  <title>${x(feed.title)}</title>
  <link rel="alternate" href="${x(feed.siteUrl)}"/>
  <updated>${feed.updated.toISOString()}</updated>
${entries}
</feed>
`;
}

/** The feed for the member behind `token`, or null for an unknown or revoked token. */
export async function memberFeed(
	db: Database,
	token: string,
	opts: { origin: string; houseName: string; now?: Date; limit?: number }
): Promise<string | null> {
	const now = opts.now ?? new Date();
	const member = await memberForFeedToken(db, token);
	if (!member) return null;
	const [{ viewer, ladder }, live] = await Promise.all([viewerOf(db, member, now), listLiveDrops(db, now)]);
	const ranks = ladder.map((t) => t.rank);
	const readable = live
		.map((d) => ({ d, access: dropAccess(d, viewer, now, ranks) }))
		// Staff previews are for the console, not for a reader app.
		.filter(({ access }) => canRead(access) && !(access.kind === 'open' && access.preview))
		.slice(0, opts.limit ?? 50);
	// Bodies are read only for drops the rule opened.
	const bodies = readable.length
		? await db
				.select({ id: drops.id, bodyHtml: drops.bodyHtml, updatedAt: drops.updatedAt })
				.from(drops)
				.where(
					inArray(
						drops.id,
						readable.map(({ d }) => d.id)
					)
				)
		: [];
	const byId = new Map(bodies.map((b) => [b.id, b]));
	const entries: AtomEntry[] = readable.map(({ d, access }) => {
		const since = access.kind === 'open' && access.since ? access.since : (d.publishAt as Date);
		return {
			id: `${opts.origin}/drops/${d.slug}`,
			title: d.title,
			url: `${opts.origin}/drops/${d.slug}`,
			updated: since,
			summary: d.summary,
			html: feedBody(byId.get(d.id)?.bodyHtml ?? '', opts.origin, token)
		};
	});
	return buildAtom({
		title: `${opts.houseName} · Drops`,
		selfUrl: `${opts.origin}/drops/feed/${token}`,
		siteUrl: `${opts.origin}/drops`,
		updated: entries.reduce((max, e) => (e.updated > max ? e.updated : max), new Date(0)),
		entries
	});
}
