// Drops against both drivers: no path leaks a locked drop (page data, feed list, Atom feed, media
// route), windows open on time, due work publishes and announces exactly once, uploads are all or nothing.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import { config } from '$lib/server/config';
import { openPostgres, type Database } from '$lib/server/db/connect';
import {
	auditLog,
	dropMedia,
	dropRevisions,
	engagements,
	inboxItems,
	memberTiers
} from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { loadDropPage, loadFeed, type Member } from '$lib/server/drops/fan';
import { createFeedToken, memberFeed, revokeFeedToken } from '$lib/server/drops/feed';
import { storeUpload } from '$lib/server/drops/media';
import { runDropsDueWork } from '$lib/server/drops/releases';
import { openMediaFile } from '$lib/server/drops/serve-media';
import { saveDrop } from '$lib/server/drops/store';
import type { DropInput } from '$lib/server/drops/form';
import { forEachDriver, onPostgres, unique, uniqueEmail } from './harness';

const T0 = new Date('2026-05-01T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);
const ORIGIN = 'https://fans.example';

async function newMember(db: Database, rank: number, role: 'fan' | 'admin' = 'fan'): Promise<Member> {
	const user = await insertUser(db, {
		email: uniqueEmail('drops'),
		displayName: `Rank ${rank}`,
		passwordHash: 'x',
		role
	});
	// The paid route sets a tier without any ledger history: the standing reads it as of "now".
	if (rank > 0)
		await db
			.insert(memberTiers)
			.values({ memberId: user!.id, paidRank: rank, paidUntil: new Date('2030-01-01T00:00:00Z'), rank });
	return { id: user!.id, role };
}

function input(overrides: Partial<DropInput> = {}): DropInput {
	return {
		title: 'A drop',
		slug: unique('drop'),
		summary: 'The teaser',
		body: 'Body',
		minRank: 0,
		windows: [],
		pinned: false,
		intent: 'publish',
		publishAt: null,
		...overrides
	};
}

async function png(width = 1200, height = 600): Promise<File> {
	const bytes = await sharp({ create: { width, height, channels: 3, background: '#5b3df5' } })
		.png()
		.toBuffer();
	return new File([new Uint8Array(bytes)], 'cover.png', { type: 'image/png' });
}

async function inboxFor(db: Database, memberId: string, dropId: number) {
	return db
		.select()
		.from(inboxItems)
		.where(and(eq(inboxItems.memberId, memberId), eq(inboxItems.dedupeKey, `drop:${dropId}:${memberId}`)));
}

forEachDriver('drops', (t) => {
	let staff: Member;
	const members: Member[] = [];

	beforeAll(async () => {
		await seedEssentials(t.db);
		staff = await newMember(t.db, 0, 'admin');
		for (let rank = 0; rank <= 4; rank++) members.push(await newMember(t.db, rank));
	});

	it('never lets a locked drop’s body or media reach a member below its tier, by any path', async () => {
		const secret = unique('SECRET-BODY');
		const saved = await saveDrop(t.db, {
			input: input({ minRank: 3, intent: 'draft', body: `The letter: ${secret}`, summary: 'Patrons only' }),
			actorId: staff.id,
			now: T0
		});
		if (!saved.ok) throw new Error('not saved');
		const upload = await storeUpload(t.db, {
			dropId: saved.drop.id,
			file: await png(),
			alt: 'Cover',
			actorId: staff.id
		});
		if (!upload.ok) throw new Error(upload.error);
		const mediaId = upload.media.id;
		const published = await saveDrop(t.db, {
			id: saved.drop.id,
			input: input({
				slug: saved.drop.slug,
				minRank: 3,
				body: `The letter: ${secret}\n\n![Cover](media:${mediaId})`,
				summary: 'Patrons only'
			}),
			actorId: staff.id,
			now: at(HOUR)
		});
		expect(published.ok).toBe(true);
		const now = at(2 * HOUR);

		for (const member of members) {
			const rank = members.indexOf(member);
			const allowed = rank >= 3;
			const page = await loadDropPage(t.db, member, saved.drop.slug, now);
			const feed = await loadFeed(t.db, member, now);
			const token = await createFeedToken(t.db, member.id, now);
			const atom = (await memberFeed(t.db, token, { origin: ORIGIN, houseName: 'House', now }))!;
			const file = await openMediaFile(t.db, member, mediaId, '960.webp', now);

			expect(page.kind).toBe(allowed ? 'open' : 'locked');
			for (const text of [JSON.stringify(page), atom]) {
				expect(text.includes(secret), `rank ${rank}: body`).toBe(allowed);
				expect(text.includes(mediaId), `rank ${rank}: media URL`).toBe(allowed);
			}
			// The list never carries bodies, for anyone.
			expect(JSON.stringify(feed)).not.toContain(secret);
			expect(JSON.stringify(feed)).not.toContain(mediaId);
			expect(feed.items.find((i) => i.slug === saved.drop.slug)).toMatchObject({ open: allowed });
			expect(file !== null, `rank ${rank}: media file`).toBe(allowed);
			if (allowed) {
				expect(atom).toContain(`${ORIGIN}/drops/media/${mediaId}/960.webp?key=`);
				expect(file!.mime).toBe('image/webp');
			} else {
				expect(page).toMatchObject({
					lock: { reason: 'tier', unlock: 'Reach Inner Circle — or become a Patron now' }
				});
			}
		}
		// Nobody signed in, and a revoked feed link, get nothing.
		expect(await openMediaFile(t.db, null, mediaId, '960.webp', now)).toBeNull();
		const token = await createFeedToken(t.db, members[4].id, now);
		await revokeFeedToken(t.db, members[4].id);
		expect(await memberFeed(t.db, token, { origin: ORIGIN, houseName: 'House', now })).toBeNull();
		// A staff preview of a draft is readable by staff only.
		expect((await loadDropPage(t.db, staff, saved.drop.slug, now)).kind).toBe('open');
	});

	it('opens early-access windows tier by tier, and tells each member when it opens for them', async () => {
		const saved = await saveDrop(t.db, {
			input: input({
				windows: [
					{ rank: 4, delayMinutes: 0 },
					{ rank: 3, delayMinutes: 2 * 24 * 60 },
					{ rank: 0, delayMinutes: 7 * 24 * 60 }
				]
			}),
			actorId: staff.id,
			now: T0
		});
		if (!saved.ok) throw new Error('not saved');
		const slug = saved.drop.slug;
		const kinds = async (now: Date) =>
			Promise.all(members.map(async (m) => (await loadDropPage(t.db, m, slug, now)).kind));
		expect(await kinds(at(HOUR))).toEqual(['locked', 'locked', 'locked', 'locked', 'open']);
		expect(await kinds(at(2 * DAY - 1000))).toEqual(['locked', 'locked', 'locked', 'locked', 'open']);
		expect(await kinds(at(2 * DAY))).toEqual(['locked', 'locked', 'locked', 'open', 'open']);
		expect(await kinds(at(7 * DAY))).toEqual(['open', 'open', 'open', 'open', 'open']);
		expect(await loadDropPage(t.db, members[1], slug, at(DAY))).toMatchObject({
			kind: 'locked',
			lock: { reason: 'window', opensAt: at(7 * DAY).toISOString(), unlock: 'Inner Circle can read it now.' }
		});
	});

	it('goes live at its time through due work, and reaches each member once, never before they can see it', async () => {
		const saved = await saveDrop(t.db, {
			input: input({
				intent: 'schedule',
				publishAt: at(DAY),
				minRank: 1,
				windows: [
					{ rank: 4, delayMinutes: 0 },
					{ rank: 1, delayMinutes: 24 * 60 }
				]
			}),
			actorId: staff.id,
			now: T0
		});
		if (!saved.ok) throw new Error('not saved');
		const id = saved.drop.id;
		const counts = async () => Promise.all(members.map(async (m) => (await inboxFor(t.db, m.id, id)).length));

		await runDropsDueWork(t.db, at(DAY - 1000));
		expect(await counts()).toEqual([0, 0, 0, 0, 0]);
		expect((await loadDropPage(t.db, members[4], saved.drop.slug, at(DAY - 1000))).kind).toBe('missing');

		const first = await runDropsDueWork(t.db, at(DAY));
		expect(first.published).toContain(id);
		expect(await counts()).toEqual([0, 0, 0, 0, 1]);
		await runDropsDueWork(t.db, at(DAY + HOUR));
		expect(await counts()).toEqual([0, 0, 0, 0, 1]);

		await runDropsDueWork(t.db, at(2 * DAY));
		expect(await counts()).toEqual([0, 1, 1, 1, 1]);
		await runDropsDueWork(t.db, at(3 * DAY));
		expect(await counts()).toEqual([0, 1, 1, 1, 1]);

		const [item] = await inboxFor(t.db, members[2].id, id);
		expect(item).toMatchObject({ kind: 'drop', link: `/drops/${saved.drop.slug}`, body: 'The teaser' });
		const audits = await t.db
			.select({ action: auditLog.action })
			.from(auditLog)
			.where(and(eq(auditLog.subjectType, 'drop'), eq(auditLog.subjectId, String(id))));
		expect(audits.map((a) => a.action)).toEqual(
			expect.arrayContaining(['drop.created', 'drop.scheduled', 'drop.published'])
		);
	});

	it('keeps revisions, refuses a duplicate address, and records drop_opened once per drop', async () => {
		const saved = await saveDrop(t.db, { input: input(), actorId: staff.id, now: T0 });
		if (!saved.ok) throw new Error('not saved');
		await saveDrop(t.db, {
			id: saved.drop.id,
			input: input({ slug: saved.drop.slug, title: 'Renamed', intent: 'save' }),
			actorId: staff.id,
			now: at(HOUR)
		});
		const revisions = await t.db.select().from(dropRevisions).where(eq(dropRevisions.dropId, saved.drop.id));
		expect(revisions.map((r) => r.title)).toEqual(['A drop', 'Renamed']);

		const duplicate = await saveDrop(t.db, {
			input: input({ slug: saved.drop.slug }),
			actorId: staff.id,
			now: T0
		});
		expect(duplicate).toEqual({ ok: false, errors: { slug: 'Another drop already uses this address.' } });

		const reader = members[0];
		await loadDropPage(t.db, reader, saved.drop.slug, at(2 * HOUR));
		await loadDropPage(t.db, reader, saved.drop.slug, at(3 * HOUR));
		const opened = await t.db
			.select()
			.from(engagements)
			.where(and(eq(engagements.memberId, reader.id), eq(engagements.object, `drop:${saved.drop.id}`)));
		expect(opened).toHaveLength(1);
		expect(opened[0]).toMatchObject({ kind: 'drop_opened', points: 2 });
	});

	it('lists the feed newest first with pinned drops on top, pages it, and badges what is new since the last visit', async () => {
		const reader = await newMember(t.db, 1);
		const base = at(100 * DAY);
		const slugs: string[] = [];
		for (let i = 0; i < 22; i++) {
			const saved = await saveDrop(t.db, {
				input: input({ title: `Feed ${i}`, pinned: i === 3, minRank: i % 4 === 0 ? 2 : 0 }),
				actorId: staff.id,
				now: new Date(base.getTime() + i * HOUR)
			});
			if (saved.ok) slugs.push(saved.drop.slug);
		}
		const mine = (items: { slug: string }[]) =>
			items.filter((i) => slugs.includes(i.slug)).map((i) => i.slug);
		const firstVisit = await loadFeed(t.db, reader, at(101 * DAY));
		expect(firstVisit.page).toBe(1);
		expect(firstVisit.items).toHaveLength(20);
		// Pinned first, then newest first.
		expect(mine(firstVisit.items).slice(0, 3)).toEqual([slugs[3], slugs[21], slugs[20]]);
		expect((await loadFeed(t.db, reader, at(101 * DAY), 'all', 2)).page).toBe(2);

		const locked = await loadFeed(t.db, reader, at(101 * DAY), 'locked');
		expect(mine(locked.items)).toEqual([20, 16, 12, 8, 4, 0].map((i) => slugs[i]));
		expect(locked.items.every((i) => !i.open && i.lock?.reason === 'tier')).toBe(true);

		// Nothing new since the visit just made; then one more drop, and only it is new.
		expect(mine((await loadFeed(t.db, reader, at(101 * DAY + HOUR), 'new')).items)).toEqual([]);
		const later = await saveDrop(t.db, { input: input(), actorId: staff.id, now: at(102 * DAY) });
		if (!later.ok) throw new Error('not saved');
		const news = await loadFeed(t.db, reader, at(102 * DAY + HOUR), 'new');
		expect(news.items.map((i) => i.slug)).toEqual([later.drop.slug]);
		expect(news.items[0].isNew).toBe(true);
	});

	it('rejects uploads that are too large, of the wrong type or lying about it, leaving nothing behind', async () => {
		const saved = await saveDrop(t.db, { input: input({ intent: 'draft' }), actorId: staff.id, now: T0 });
		if (!saved.ok) throw new Error('not saved');
		const before = existsSync(config.dropsMediaDir) ? (await readdir(config.dropsMediaDir)).length : 0;
		const pngBytes = new Uint8Array(await (await png(64, 64)).arrayBuffer());
		const cases: [File, RegExp, number?][] = [
			[
				new File([pngBytes], 'x.jpg', { type: 'image/jpeg' }),
				/says it is image\/jpeg but its content is image\/png/
			],
			[new File(['<svg onload="alert(1)"/>'], 'x.svg', { type: 'image/svg+xml' }), /not accepted/],
			[new File(['<html><script>alert(1)</script>'], 'x.png', { type: 'image/png' }), /not accepted/],
			[new File([pngBytes], 'x.png', { type: 'image/png' }), /too large/, 100],
			// PNG signature, broken body: sniffed as PNG, refused by the image library.
			[new File([pngBytes.slice(0, 40)], 'x.png', { type: 'image/png' }), /could not read this image/]
		];
		for (const [file, message, maxBytes] of cases) {
			const result = await storeUpload(
				t.db,
				{ dropId: saved.drop.id, file, alt: '', actorId: staff.id },
				maxBytes ? { maxBytes } : {}
			);
			expect(result).toEqual({ ok: false, error: expect.stringMatching(message) });
		}
		const rows = await t.db.select().from(dropMedia).where(eq(dropMedia.dropId, saved.drop.id));
		expect(rows).toHaveLength(0);
		const after = existsSync(config.dropsMediaDir) ? (await readdir(config.dropsMediaDir)).length : 0;
		expect(after).toBe(before);
	});
});

onPostgres('drops due work under concurrency', (t) => {
	it('two instances running due work at once announce each drop to each member exactly once', async () => {
		await seedEssentials(t.db);
		const staff = await newMember(t.db, 0, 'admin');
		const fans = await Promise.all([0, 1, 2, 3, 4, 4].map((r) => newMember(t.db, r)));
		const ids: number[] = [];
		for (let i = 0; i < 4; i++) {
			const saved = await saveDrop(t.db, {
				input: input({ intent: 'schedule', publishAt: at(HOUR), minRank: i % 2 ? 2 : 0 }),
				actorId: staff.id,
				now: T0
			});
			if (!saved.ok) throw new Error('not saved');
			ids.push(saved.drop.id);
		}
		const second = await openPostgres(t.url);
		try {
			const results = await Promise.all([
				runDropsDueWork(t.db, at(HOUR)),
				runDropsDueWork(second.db, at(HOUR)),
				runDropsDueWork(t.db, at(HOUR + 1000)),
				runDropsDueWork(second.db, at(HOUR + 1000))
			]);
			// Each drop went live and each release was claimed by exactly one run.
			expect(results.flatMap((r) => r.published).sort()).toEqual([...ids].sort());
			expect(results.flatMap((r) => r.announced.map((a) => `${a.dropId}:${a.rank}`)).sort()).toEqual(
				ids.map((id) => `${id}:${ids.indexOf(id) % 2 ? 2 : 0}`).sort()
			);
		} finally {
			await second.close();
		}
		const [row] = await t.db
			.select({
				n: sql<number>`count(*)`.mapWith(Number),
				distinct: sql<number>`count(distinct dedupe_key)`.mapWith(Number)
			})
			.from(inboxItems)
			.where(eq(inboxItems.kind, 'drop'));
		// Drops for everyone reach all 6 fans; Insider drops the 4 fans from rank 2 up.
		expect(row).toEqual({ n: 2 * 6 + 2 * 4, distinct: 2 * 6 + 2 * 4 });
		expect(fans).toHaveLength(6);
	});
});
