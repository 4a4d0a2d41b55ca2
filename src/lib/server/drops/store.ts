// Drops in the database: staff edits (with revisions and an audit trail) and the reads the pages
// make. Who may see a drop is never decided here: callers ask access.ts.
import { and, asc, desc, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import { cached, forgetCached } from '../cache';
import { audit } from '../audit';
import type { Database, Queryable } from '../db';
import { dropMedia, dropRevisions, drops, type Drop, type DropMedia } from '../db/schema';
import type { MediaRef } from './markdown';
import { renderMarkdown } from './markdown';
import { syncReleases } from './releases';
import type { DropInput, FieldErrors } from './form';

export function getDrop(db: Queryable, id: number): Promise<Drop | undefined> {
	return db
		.select()
		.from(drops)
		.where(eq(drops.id, id))
		.limit(1)
		.then((r) => r[0]);
}

export function getDropBySlug(db: Queryable, slug: string): Promise<Drop | undefined> {
	return db
		.select()
		.from(drops)
		.where(eq(drops.slug, slug))
		.limit(1)
		.then((r) => r[0]);
}

export function listStaffDrops(db: Queryable) {
	return db
		.select({
			id: drops.id,
			slug: drops.slug,
			title: drops.title,
			status: drops.status,
			publishAt: drops.publishAt,
			minRank: drops.minRank,
			windows: drops.windows,
			pinned: drops.pinned,
			updatedAt: drops.updatedAt
		})
		.from(drops)
		.orderBy(desc(drops.pinned), desc(drops.updatedAt), desc(drops.id));
}

/** Teaser columns of every drop that is live at `now` (never the body): feed order, pinned first. */
/**
 * Drops that are or will be live, newest first, remembered a few seconds (every feed view reads
 * them all). Time is applied per request, so a scheduled drop still opens on its second; an edit
 * made here is seen at once, one made on another instance within the cache's few seconds.
 */
function listFeedDrops(db: Queryable) {
	return cached(db, 'drops:feed', () =>
		db
			.select({
				id: drops.id,
				slug: drops.slug,
				title: drops.title,
				summary: drops.summary,
				status: drops.status,
				publishAt: drops.publishAt,
				minRank: drops.minRank,
				windows: drops.windows,
				pinned: drops.pinned
			})
			.from(drops)
			.where(and(inArray(drops.status, ['published', 'scheduled']), isNotNull(drops.publishAt)))
			.orderBy(desc(drops.pinned), desc(drops.publishAt), desc(drops.id))
	);
}

export async function listLiveDrops(db: Queryable, now: Date) {
	const all = await listFeedDrops(db);
	return all.filter((d) => d.publishAt!.getTime() <= now.getTime());
}

export function listMedia(db: Queryable, dropId: number): Promise<DropMedia[]> {
	return db.select().from(dropMedia).where(eq(dropMedia.dropId, dropId)).orderBy(asc(dropMedia.createdAt));
}

export function listRevisions(db: Queryable, dropId: number, limit = 20) {
	return db
		.select()
		.from(dropRevisions)
		.where(eq(dropRevisions.dropId, dropId))
		.orderBy(desc(dropRevisions.createdAt), desc(dropRevisions.id))
		.limit(limit);
}

export function mediaRefs(media: readonly DropMedia[]): MediaRef[] {
	return media.map((m) => ({
		id: m.id,
		kind: m.kind,
		variants: m.variants,
		width: m.width,
		height: m.height,
		alt: m.alt
	}));
}

/** Re-renders the stored HTML after the drop's media changed (a reference may now resolve). */
export async function rerenderBody(db: Queryable, dropId: number): Promise<void> {
	const drop = await getDrop(db, dropId);
	if (!drop) return;
	const html = renderMarkdown(drop.body, mediaRefs(await listMedia(db, dropId)));
	if (html !== drop.bodyHtml) await db.update(drops).set({ bodyHtml: html }).where(eq(drops.id, dropId));
}

export type SaveResult = { ok: true; drop: Drop; wentLive: boolean } | { ok: false; errors: FieldErrors };

/** The status and publish time an editor intent leads to. */
function nextState(
	input: DropInput,
	existing: Drop | undefined,
	now: Date
): Pick<Drop, 'status' | 'publishAt'> {
	switch (input.intent) {
		case 'draft':
			return { status: 'draft', publishAt: input.publishAt };
		case 'schedule':
			return { status: 'scheduled', publishAt: input.publishAt };
		case 'publish':
			// Already out: keep its time, so fans' "new" badges and windows do not move.
			return existing?.status === 'published' && existing.publishAt
				? { status: 'published', publishAt: existing.publishAt }
				: { status: 'published', publishAt: now };
		case 'save':
			if (!existing) return { status: 'draft', publishAt: input.publishAt };
			if (existing.status === 'scheduled')
				return { status: 'scheduled', publishAt: input.publishAt ?? existing.publishAt };
			return { status: existing.status, publishAt: existing.publishAt ?? input.publishAt };
	}
}

const STATUS_ACTIONS: Partial<Record<Drop['status'], string>> = {
	published: 'drop.published',
	scheduled: 'drop.scheduled',
	draft: 'drop.unpublished',
	archived: 'drop.archived'
};

/** Creates (no id) or updates a drop; every save keeps a revision, every status change an audit entry. */
export async function saveDrop(
	db: Database,
	args: { id?: number; input: DropInput; actorId: string; now?: Date }
): Promise<SaveResult> {
	try {
		return await saveDropOnce(db, args);
	} finally {
		forgetCached(db);
	}
}

async function saveDropOnce(
	db: Database,
	args: { id?: number; input: DropInput; actorId: string; now?: Date }
): Promise<SaveResult> {
	const now = args.now ?? new Date();
	const { input } = args;
	try {
		return await db.transaction(async (tx): Promise<SaveResult> => {
			const existing = args.id ? await getDrop(tx, args.id) : undefined;
			if (args.id && !existing) return { ok: false, errors: { form: 'This drop no longer exists.' } };
			const [taken] = await tx
				.select({ id: drops.id })
				.from(drops)
				.where(and(eq(drops.slug, input.slug), existing ? ne(drops.id, existing.id) : undefined))
				.limit(1);
			if (taken) return { ok: false, errors: { slug: 'Another drop already uses this address.' } };

			const state = nextState(input, existing, now);
			const media = existing ? await listMedia(tx, existing.id) : [];
			const values = {
				slug: input.slug,
				title: input.title,
				summary: input.summary,
				body: input.body,
				bodyHtml: renderMarkdown(input.body, mediaRefs(media)),
				minRank: input.minRank,
				windows: input.windows,
				pinned: input.pinned,
				status: state.status,
				publishAt: state.publishAt,
				updatedBy: args.actorId,
				updatedAt: now
			};
			const [drop] = existing
				? await tx.update(drops).set(values).where(eq(drops.id, existing.id)).returning()
				: await tx
						.insert(drops)
						.values({ ...values, createdBy: args.actorId, createdAt: now })
						.returning();

			await tx.insert(dropRevisions).values({
				dropId: drop.id,
				title: drop.title,
				summary: drop.summary,
				body: drop.body,
				minRank: drop.minRank,
				windows: drop.windows,
				editedBy: args.actorId,
				createdAt: now
			});
			await audit(tx, {
				actorId: args.actorId,
				action: existing ? 'drop.updated' : 'drop.created',
				subjectType: 'drop',
				subjectId: String(drop.id),
				details: { slug: drop.slug }
			});
			const statusChanged =
				(existing?.status ?? 'draft') !== drop.status || (!existing && drop.status !== 'draft');
			const timeChanged = existing?.publishAt?.getTime() !== drop.publishAt?.getTime();
			if (statusChanged || (drop.status === 'scheduled' && timeChanged)) {
				const action = STATUS_ACTIONS[drop.status];
				if (action)
					await audit(tx, {
						actorId: args.actorId,
						action,
						subjectType: 'drop',
						subjectId: String(drop.id),
						details: { slug: drop.slug, from: existing?.status ?? null, publishAt: drop.publishAt }
					});
			}
			await syncReleases(tx, drop);
			const wentLive = drop.status === 'published' && existing?.status !== 'published';
			return { ok: true, drop, wentLive };
		});
	} catch (err) {
		// Two editors taking one slug at the same moment: the unique index decides.
		if (isUniqueViolation(err))
			return { ok: false, errors: { slug: 'Another drop already uses this address.' } };
		throw err;
	}
}

function isUniqueViolation(err: unknown): boolean {
	for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
		if ((e as { code?: string }).code === '23505') return true;
	}
	return false;
}

/** Unpublish (back to draft) or archive; audited, and pending announcements are withdrawn. */
export async function changeStatus(
	db: Database,
	id: number,
	to: 'draft' | 'archived',
	actorId: string,
	now = new Date()
): Promise<Drop | undefined> {
	const result = await db.transaction(async (tx) => {
		const existing = await getDrop(tx, id);
		if (!existing || existing.status === to) return existing;
		const [drop] = await tx
			.update(drops)
			.set({ status: to, updatedBy: actorId, updatedAt: now })
			.where(eq(drops.id, id))
			.returning();
		await audit(tx, {
			actorId,
			action: STATUS_ACTIONS[to]!,
			subjectType: 'drop',
			subjectId: String(id),
			details: { slug: drop.slug, from: existing.status }
		});
		await syncReleases(tx, drop);
		return drop;
	});
	forgetCached(db);
	return result;
}

export async function setPinned(db: Database, id: number, pinned: boolean, actorId: string): Promise<void> {
	await db.transaction(async (tx) => {
		await tx.update(drops).set({ pinned }).where(eq(drops.id, id));
		await audit(tx, {
			actorId,
			action: pinned ? 'drop.pinned' : 'drop.unpinned',
			subjectType: 'drop',
			subjectId: String(id)
		});
	});
	forgetCached(db);
}
