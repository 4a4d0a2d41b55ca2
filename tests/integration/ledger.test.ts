import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import { rowsOf, type Database } from '$lib/server/db/connect';
import { engagements, memberTiers, tierChanges } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import {
	EngagementError,
	loadTimeline,
	rebuildMember,
	recordEngagement,
	recordEngagements,
	type EngagementInput
} from '$lib/server/loyalty';
import { rebuildAll } from '$lib/server/loyalty/rebuild';
import { forEachDriver, onPostgres, unique, uniqueEmail } from './harness';

async function newMember(db: Database): Promise<string> {
	const user = await insertUser(db, {
		email: uniqueEmail('member'),
		displayName: 'Member',
		passwordHash: 'x'
	});
	return user!.id;
}

function record(
	db: Database,
	input: Omit<EngagementInput, 'source' | 'idempotencyKey'> & Partial<EngagementInput>
) {
	return db.transaction((tx) =>
		recordEngagement(tx, { source: 'test', idempotencyKey: unique('key'), ...input })
	);
}

async function tierRow(db: Database, memberId: string) {
	const [row] = await db.select().from(memberTiers).where(eq(memberTiers.memberId, memberId));
	return row;
}

/** The database's own message (drizzle wraps it as the cause of "Failed query"). */
async function failure(query: PromiseLike<unknown>): Promise<string> {
	try {
		await query;
	} catch (err) {
		const e = err as Error & { cause?: Error };
		return e.cause?.message ?? e.message;
	}
	return 'no error';
}

async function total(db: Database, memberId: string): Promise<number> {
	const [row] = await db
		.select({ sum: sql<number>`coalesce(sum(${engagements.points}), 0)`.mapWith(Number) })
		.from(engagements)
		.where(eq(engagements.memberId, memberId));
	return row.sum;
}

forEachDriver('engagement ledger', (t) => {
	it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const result = await record(t.db, { memberId: member, kind: 'daily_visit' });
		expect(result.status).toBe('recorded');
		expect(
			await failure(t.db.update(engagements).set({ points: 500 }).where(eq(engagements.memberId, member)))
		).toMatch(/append-only: UPDATE/);
		expect(await failure(t.db.delete(engagements).where(eq(engagements.memberId, member)))).toMatch(
			/append-only: DELETE/
		);
		expect(await failure(t.db.execute(sql`truncate engagements`))).toMatch(/append-only: TRUNCATE/);
		expect(await total(t.db, member)).toBe(5);
	});

	it('records a capped engagement with 0 points and the reason', async () => {
		const member = await newMember(t.db);
		const at = new Date('2026-05-14T10:00:00Z');
		const first = await record(t.db, { memberId: member, kind: 'daily_visit', occurredAt: at });
		const second = await record(t.db, {
			memberId: member,
			kind: 'daily_visit',
			occurredAt: new Date(at.getTime() + 3600_000)
		});
		expect(first.status === 'recorded' && first.entry.points).toBe(5);
		expect(second.status === 'recorded' && second.entry).toMatchObject({
			points: 0,
			cappedReason: 'Daily limit reached (1 a day).'
		});
		const nextDay = await record(t.db, {
			memberId: member,
			kind: 'daily_visit',
			occurredAt: new Date('2026-05-15T10:00:00Z')
		});
		expect(nextDay.status === 'recorded' && nextDay.entry.points).toBe(5);
	});

	it('is idempotent by key, and a reused key with another payload is a conflict', async () => {
		const member = await newMember(t.db);
		const key = unique('partner');
		const at = new Date('2026-06-01T12:00:00Z');
		const a = await record(t.db, {
			memberId: member,
			kind: 'venue_checkin',
			object: 'event:1',
			occurredAt: at,
			idempotencyKey: key
		});
		const b = await record(t.db, {
			memberId: member,
			kind: 'venue_checkin',
			object: 'event:1',
			occurredAt: at,
			idempotencyKey: key
		});
		const c = await record(t.db, {
			memberId: member,
			kind: 'venue_checkin',
			object: 'event:2',
			occurredAt: at,
			idempotencyKey: key
		});
		expect([a.status, b.status, c.status]).toEqual(['recorded', 'duplicate', 'conflict']);
		expect(b.entry.id).toBe(a.entry.id);
		expect(await total(t.db, member)).toBe(100);
	});

	it('refuses unknown kinds and adjustments without a reason, writing nothing', async () => {
		const member = await newMember(t.db);
		await expect(record(t.db, { memberId: member, kind: 'moon_landing' })).rejects.toBeInstanceOf(
			EngagementError
		);
		await expect(
			record(t.db, {
				memberId: member,
				kind: 'staff_adjustment',
				adjustment: { points: 50, note: '  ', actorId: member }
			})
		).rejects.toThrow('An adjustment needs a reason.');
		expect(await total(t.db, member)).toBe(0);
	});

	it('moves the member up a tier in the same transaction and logs the change', async () => {
		const member = await newMember(t.db);
		const at = new Date('2026-03-01T12:00:00Z');
		await record(t.db, { memberId: member, kind: 'referral', object: 'friend:1', occurredAt: at });
		const up = await record(t.db, {
			memberId: member,
			kind: 'presale_claim',
			object: 'event:9',
			occurredAt: new Date(at.getTime() + 1000)
		});
		expect(up.status === 'recorded' && up.tierChange).toMatchObject({ fromRank: 0, toRank: 1 });
		expect(await tierRow(t.db, member)).toMatchObject({
			earnedRank: 1,
			rank: 1,
			heldUntil: new Date('2027-03-01T12:00:01Z')
		});
		const changes = await t.db.select().from(tierChanges).where(eq(tierChanges.memberId, member));
		expect(changes.map((c) => [c.fromRank, c.toRank, c.route])).toEqual([[0, 1, 'earned']]);
	});

	it('staff adjustments may be negative and carry their reason', async () => {
		const member = await newMember(t.db);
		const staff = await newMember(t.db);
		await record(t.db, { memberId: member, kind: 'referral', object: 'friend:1' });
		const adj = await record(t.db, {
			memberId: member,
			kind: 'staff_adjustment',
			adjustment: { points: -100, note: 'Duplicate referral', actorId: staff }
		});
		expect(adj.status === 'recorded' && adj.entry).toMatchObject({
			points: -100,
			note: 'Duplicate referral',
			actorId: staff
		});
		expect(await total(t.db, member)).toBe(50);
	});

	it('incremental state equals a rebuild from the ledger on a generated history, late entries included', async () => {
		const timeline = await loadTimeline(t.db);
		const kinds = [
			['daily_visit', null],
			['drop_opened', 'drop'],
			['poll_vote', 'poll'],
			['presale_claim', 'event'],
			['venue_checkin', 'event'],
			['referral', 'friend']
		] as const;
		let seed = 42;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const members = await Promise.all([1, 2, 3, 4, 5].map(() => newMember(t.db)));
		const start = new Date('2024-01-01T00:00:00Z').getTime();
		for (const member of members) {
			let at = start;
			for (let i = 0; i < 60; i++) {
				at += Math.floor(random() * 20 * 86400_000);
				// One entry in eight arrives late: up to 60 days back-dated.
				const late = random() < 0.125 ? Math.floor(random() * 60 * 86400_000) : 0;
				const [kind, objectType] = kinds[Math.floor(random() * kinds.length)];
				await record(t.db, {
					memberId: member,
					kind,
					object: objectType && `${objectType}:${Math.floor(random() * 8)}`,
					occurredAt: new Date(at - late)
				});
			}
		}
		for (const member of members) {
			const incremental = await tierRow(t.db, member);
			await t.db.transaction((tx) => rebuildMember(tx, member, timeline, incremental.updatedAt));
			const rebuilt = await tierRow(t.db, member);
			const pick = (r: typeof rebuilt) => [
				r.earnedRank,
				r.reachedAt?.toISOString(),
				r.heldUntil?.toISOString(),
				r.lastEventAt?.toISOString(),
				r.rank
			];
			expect(pick(rebuilt)).toEqual(pick(incremental));
		}
		const ranks = await Promise.all(members.map(async (m) => (await tierRow(t.db, m)).earnedRank));
		expect(new Set(ranks).size).toBeGreaterThan(0);
	});
	it('folds across window edges and holds that end twice between two entries, like a rebuild', async () => {
		const timeline = await loadTimeline(t.db);
		const member = await newMember(t.db);
		const staff = await newMember(t.db);
		const month = (n: number) => new Date(Date.UTC(2021, n, 1, 12));
		const grant = (points: number, at: Date) =>
			record(t.db, {
				memberId: member,
				kind: 'staff_adjustment',
				occurredAt: at,
				adjustment: { points, note: 'Imported history', actorId: staff }
			});
		await grant(800, month(0)); // Fan
		await grant(200, month(11)); // 1,000 points: Insider, held until month 23
		await grant(250, month(13)); // 450 points: no renewal
		// Month 23: the window (month 11, month 23] holds 250 points (month 11 is its excluded start):
		// Fan, held until month 35, which also ends before this entry.
		await grant(5, month(41));
		const incremental = await tierRow(t.db, member);
		expect(incremental).toMatchObject({ earnedRank: 0, lastEventAt: month(41) });
		await t.db.transaction((tx) => rebuildMember(tx, member, timeline, incremental.updatedAt));
		const rebuilt = await tierRow(t.db, member);
		const pick = (r: typeof rebuilt) => [r.earnedRank, r.reachedAt, r.heldUntil, r.lastEventAt, r.rank];
		expect(pick(rebuilt)).toEqual(pick(incremental));
		const changes = await t.db.select().from(tierChanges).where(eq(tierChanges.memberId, member));
		expect(changes.map((c) => [c.fromRank, c.toRank])).toEqual([
			[0, 1],
			[1, 2],
			[2, 0]
		]);
	});

	it('records a batch in order: caps count earlier items, repeated keys and bad items are answered one by one', async () => {
		const [a, b] = [await newMember(t.db), await newMember(t.db)];
		const at = new Date('2026-09-01T10:00:00Z');
		const base = { source: 'test', occurredAt: at };
		const batch: EngagementInput[] = [
			{ ...base, memberId: a, kind: 'daily_visit', idempotencyKey: unique('b') },
			{ ...base, memberId: a, kind: 'daily_visit', idempotencyKey: unique('b') },
			{ ...base, memberId: b, kind: 'moon_landing', idempotencyKey: unique('b') },
			{ ...base, memberId: b, kind: 'referral', object: 'friend:1', idempotencyKey: 'batch-same' + a },
			{ ...base, memberId: b, kind: 'referral', object: 'friend:1', idempotencyKey: 'batch-same' + a },
			{ ...base, memberId: b, kind: 'referral', object: 'friend:2', idempotencyKey: 'batch-same' + a },
			{ ...base, memberId: b, kind: 'presale_claim', object: 'event:5', idempotencyKey: unique('b') }
		];
		const results = await t.db.transaction((tx) => recordEngagements(tx, batch));
		expect(results.map((r) => r.status)).toEqual([
			'recorded',
			'recorded',
			'rejected',
			'recorded',
			'duplicate',
			'conflict',
			'recorded'
		]);
		expect(results.map((r) => ('entry' in r ? r.entry.points : null))).toEqual([
			5,
			0,
			null,
			150,
			150,
			150,
			50
		]);
		expect(results[2]).toMatchObject({ code: 'unknown_kind' });
		// b reached Fan (200) with the batch: reported once, on b's last new entry.
		expect(results.map((r) => (r.status === 'recorded' ? (r.tierChange?.toRank ?? null) : null))).toEqual([
			null,
			null,
			null,
			null,
			null,
			null,
			1
		]);
		expect(await total(t.db, b)).toBe(200);
		expect((await rebuildAll(t.db, { dryRun: true })).differing).toEqual([]);
	});
});

onPostgres('engagement ledger under concurrency', (t) => {
	it('200 concurrent writes of one idempotency key make one entry', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const key = unique('same');
		const at = new Date('2026-07-01T18:00:00Z');
		const results = await Promise.all(
			Array.from({ length: 200 }, () =>
				record(t.db, {
					memberId: member,
					kind: 'venue_checkin',
					object: 'event:1',
					occurredAt: at,
					idempotencyKey: key
				})
			)
		);
		expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1);
		expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(199);
		const rows = rowsOf<{ n: number }>(
			await t.db.execute(sql`select count(*)::int as n from engagements where idempotency_key = ${key}`)
		);
		expect(rows[0].n).toBe(1);
	});

	it('200 concurrent different engagements for one member give the exact total and tier', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const at = new Date();
		const results = await Promise.all(
			Array.from({ length: 200 }, (_, i) =>
				record(t.db, {
					memberId: member,
					kind: 'referral',
					object: `friend:${i}`,
					occurredAt: new Date(at.getTime() - i * 1000)
				})
			)
		);
		expect(results.every((r) => r.status === 'recorded')).toBe(true);
		expect(await total(t.db, member)).toBe(200 * 150);
		expect(await tierRow(t.db, member)).toMatchObject({ earnedRank: 4, rank: 4 });
		// Caps hold under the same race: 30 concurrent visits on one day earn once.
		const visits = await Promise.all(
			Array.from({ length: 30 }, () =>
				record(t.db, { memberId: member, kind: 'daily_visit', occurredAt: at })
			)
		);
		expect(visits.filter((r) => r.status === 'recorded' && r.entry.points > 0)).toHaveLength(1);
	});
});
