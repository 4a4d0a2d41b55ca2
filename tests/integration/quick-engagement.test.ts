// The quick path (loyalty/optimistic.ts) must leave exactly what the locked path leaves: the same
// ledger entries and the same tier row, whatever happens in between. It steps aside for the
// locked path when it must, and these tests check both that it does and why.
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import { rowsOf, type Database } from '$lib/server/db/connect';
import { engagements, inboxItems, memberTiers, tierChanges } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { loadTimeline, rebuildMember, recordEngagement, type EngagementInput } from '$lib/server/loyalty';
import { recordEngagementQuickly, type Detour } from '$lib/server/loyalty/optimistic';
import { forEachDriver, onPostgres, unique, uniqueEmail } from './harness';

async function newMember(db: Database): Promise<string> {
	const user = await insertUser(db, { email: uniqueEmail('quick'), displayName: 'Quick', passwordHash: 'x' });
	return user!.id;
}

async function tierRow(db: Database, memberId: string) {
	const [row] = await db.select().from(memberTiers).where(eq(memberTiers.memberId, memberId));
	return row;
}

const stateOfRow = (r: Awaited<ReturnType<typeof tierRow>>) => [
	r.earnedRank,
	r.reachedAt?.toISOString() ?? null,
	r.heldUntil?.toISOString() ?? null,
	r.lastEventAt?.toISOString() ?? null,
	r.rank
];

async function ledger(db: Database, memberId: string) {
	const rows = await db
		.select({
			kind: engagements.kind,
			object: engagements.object,
			points: engagements.points,
			occurredAt: engagements.occurredAt,
			cappedReason: engagements.cappedReason
		})
		.from(engagements)
		.where(eq(engagements.memberId, memberId))
		.orderBy(engagements.id);
	return rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() }));
}

function input(memberId: string, fields: Omit<EngagementInput, 'memberId' | 'source'>): EngagementInput {
	return { memberId, source: 'test', ...fields };
}

forEachDriver('quick engagement path', (t) => {
	it('leaves the ledger and tier row the locked path leaves, over a generated history', async () => {
		await seedEssentials(t.db);
		const [quick, locked] = [await newMember(t.db), await newMember(t.db)];
		// Every day or three for 14 months: visits, drops (some reopened), votes, a few late entries;
		// enough to climb tiers, renew holds and fall back.
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const detours = new Map<Detour, number>();
		let at = Date.UTC(2025, 0, 1, 9);
		let quickOnes = 0;
		for (let i = 0; i < 150; i++) {
			at += Math.floor((0.2 + random() * 3) * 86400_000);
			const late = random() < 0.05 ? Math.floor(random() * 5 * 86400_000) : 0;
			const pick = random();
			const [kind, object] =
				pick < 0.5
					? ['daily_visit', null]
					: pick < 0.8
						? ['drop_opened', `drop:${Math.floor(random() * 30)}`]
						: pick < 0.95
							? ['poll_vote', `poll:${Math.floor(random() * 40)}`]
							: ['referral', `friend:${i}`];
			const fields = { kind, object, occurredAt: new Date(at - late), idempotencyKey: unique('k') };
			const now = new Date(at + 60_000);
			let detoured = false;
			const a = await recordEngagementQuickly(t.db, input(quick, fields), {
				now,
				onDetour: (why) => {
					detoured = true;
					detours.set(why, (detours.get(why) ?? 0) + 1);
				}
			});
			if (!detoured) quickOnes++;
			const b = await t.db.transaction((tx) =>
				recordEngagement(tx, input(locked, { ...fields, idempotencyKey: unique('k') }), { now })
			);
			expect(a.status).toBe(b.status);
			expect(a.entry.points).toBe(b.entry.points);
			expect(stateOfRow(await tierRow(t.db, quick))).toEqual(stateOfRow(await tierRow(t.db, locked)));
		}
		expect(await ledger(t.db, quick)).toEqual(await ledger(t.db, locked));
		// Most took the quick path; tier changes and late entries stepped aside.
		expect(quickOnes).toBeGreaterThan(100);
		expect(detours.get('tier-change')).toBeGreaterThan(0);
		expect(detours.get('late')).toBeGreaterThan(0);
		const changes = (m: string) =>
			t.db
				.select({ from: tierChanges.fromRank, to: tierChanges.toRank, at: tierChanges.at })
				.from(tierChanges)
				.where(eq(tierChanges.memberId, m))
				.orderBy(tierChanges.at);
		expect((await changes(quick)).map((c) => [c.from, c.to])).toEqual(
			(await changes(locked)).map((c) => [c.from, c.to])
		);
		// And a rebuild from the ledger agrees with what the quick path left.
		const row = await tierRow(t.db, quick);
		await t.db.transaction(async (tx) => rebuildMember(tx, quick, await loadTimeline(tx), row.updatedAt));
		expect(stateOfRow(await tierRow(t.db, quick))).toEqual(stateOfRow(row));
	});

	it('answers a reused key as the locked path does, and caps a second visit with its reason', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const now = new Date();
		const key = unique('visit');
		const why: Detour[] = [];
		const onDetour = (d: Detour) => why.push(d);
		const first = await recordEngagementQuickly(
			t.db,
			input(member, { kind: 'daily_visit', idempotencyKey: key }),
			{
				now,
				onDetour
			}
		);
		expect(first).toMatchObject({ status: 'recorded', entry: { points: 5, cappedReason: null } });
		const again = await recordEngagementQuickly(
			t.db,
			input(member, { kind: 'daily_visit', idempotencyKey: key }),
			{
				now,
				onDetour
			}
		);
		expect(again).toMatchObject({ status: 'duplicate', entry: { id: first.entry.id } });
		// A new row is made by the locked path the first time; the reused key steps aside.
		expect(why).toEqual(['no-row', 'key-taken']);
		const second = await recordEngagementQuickly(
			t.db,
			input(member, { kind: 'daily_visit', idempotencyKey: unique('visit') }),
			{ now: new Date(now.getTime() + 1000), onDetour }
		);
		expect(second).toMatchObject({
			status: 'recorded',
			entry: { points: 0, cappedReason: 'Daily limit reached (1 a day).' }
		});
		expect(why).toHaveLength(2);
	});

	it('steps aside for a tier change, which logs it and posts the moment', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const now = new Date();
		const why: Detour[] = [];
		await t.db.transaction((tx) =>
			recordEngagement(
				tx,
				input(member, { kind: 'referral', object: 'friend:1', idempotencyKey: unique('r') }),
				{
					now: new Date(now.getTime() - 60_000)
				}
			)
		);
		// 150 points; a poll vote (20) and a referral (150) later, Fan (200) is reached.
		await recordEngagementQuickly(
			t.db,
			input(member, { kind: 'poll_vote', object: 'poll:1', idempotencyKey: unique('v') }),
			{
				now: new Date(now.getTime() - 30_000),
				onDetour: (d) => why.push(d)
			}
		);
		const up = await recordEngagementQuickly(
			t.db,
			input(member, { kind: 'referral', object: 'friend:2', idempotencyKey: unique('r') }),
			{ now, onDetour: (d) => why.push(d) }
		);
		expect(why).toEqual(['tier-change']);
		expect(up).toMatchObject({ status: 'recorded', tierChange: { fromRank: 0, toRank: 1 } });
		const moments = await t.db
			.select({ kind: inboxItems.kind })
			.from(inboxItems)
			.where(and(eq(inboxItems.memberId, member), eq(inboxItems.kind, 'tier_up')));
		expect(moments).toHaveLength(1);
	});

	it('writes nothing when the member was written for in between, and the locked path counts both', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const now = new Date();
		await recordEngagementQuickly(t.db, input(member, { kind: 'daily_visit', idempotencyKey: unique('v') }), {
			now
		});
		const why: Detour[] = [];
		// Both are drop opens on the same day: the one in between must count toward the cap the
		// quick one read before it.
		const result = await recordEngagementQuickly(
			t.db,
			input(member, { kind: 'drop_opened', object: 'drop:1', idempotencyKey: unique('d') }),
			{
				now,
				onDetour: (d) => why.push(d),
				beforeWrite: () =>
					t.db.transaction(async (tx) => {
						await recordEngagement(
							tx,
							input(member, { kind: 'drop_opened', object: 'drop:1', idempotencyKey: unique('d') }),
							{ now }
						);
					})
			}
		);
		expect(why).toEqual(['raced']);
		// The one in between earned the drop's points; ours is the second open of drop 1: capped.
		expect(result).toMatchObject({ status: 'recorded', entry: { points: 0 } });
		const points = (await ledger(t.db, member)).map((e) => e.points);
		expect(points).toEqual([5, 2, 0]);
		expect((await tierRow(t.db, member)).lastEventAt).toEqual(now);
	});

	it('undoes its tier row when the key was taken in between by another member', async () => {
		await seedEssentials(t.db);
		const [member, other] = [await newMember(t.db), await newMember(t.db)];
		const now = new Date();
		await recordEngagementQuickly(t.db, input(member, { kind: 'daily_visit', idempotencyKey: unique('v') }), {
			now: new Date(now.getTime() - 86400_000)
		});
		const before = await tierRow(t.db, member);
		const key = unique('shared');
		const why: Detour[] = [];
		const result = await recordEngagementQuickly(
			t.db,
			input(member, { kind: 'poll_vote', object: 'poll:9', idempotencyKey: key }),
			{
				now,
				onDetour: (d) => why.push(d),
				beforeWrite: async () => {
					await t.db.transaction((tx) =>
						recordEngagement(tx, input(other, { kind: 'poll_vote', object: 'poll:9', idempotencyKey: key }), {
							now
						})
					);
				}
			}
		);
		// The write statement undid itself (the tier row stays as it was); the locked path then
		// answers the key as taken by another payload.
		expect(why).toEqual(['raced']);
		expect(result.status).toBe('conflict');
		expect(stateOfRow(await tierRow(t.db, member))).toEqual(stateOfRow(before));
		expect((await ledger(t.db, member)).map((e) => e.kind)).toEqual(['daily_visit']);
	});

	it('notices rules another instance changed, and judges by the new ones', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const now = new Date();
		// The first write makes the row; the second remembers the rules.
		for (const minutes of [2, 1])
			await recordEngagementQuickly(
				t.db,
				input(member, { kind: 'poll_vote', object: `poll:${minutes}`, idempotencyKey: unique('v') }),
				{ now: new Date(now.getTime() - minutes * 60_000) }
			);
		const setVotePoints = (points: number) =>
			t.db.execute(
				sql`update earning_rules set points = ${points}, updated_at = now() where kind = 'poll_vote'`
			);
		await setVotePoints(7);
		try {
			const why: Detour[] = [];
			const vote = () =>
				recordEngagementQuickly(
					t.db,
					input(member, { kind: 'poll_vote', object: unique('poll'), idempotencyKey: unique('v') }),
					{ now, onDetour: (d) => why.push(d) }
				);
			expect((await vote()).entry.points).toBe(7);
			expect(why).toEqual(['config-changed']);
			// Then the fresh rules are remembered and the quick path goes on.
			expect((await vote()).entry.points).toBe(7);
			expect(why).toEqual(['config-changed']);
		} finally {
			await setVotePoints(20);
		}
	});
});

onPostgres('quick engagement path under concurrency', (t) => {
	it('200 concurrent quick engagements for one member give the exact total, caps and state', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const now = new Date();
		await recordEngagementQuickly(t.db, input(member, { kind: 'daily_visit', idempotencyKey: unique('v') }), {
			now: new Date(now.getTime() - 3600_000)
		});
		const detours = new Map<Detour, number>();
		// 150 drop opens of 50 drops (2 points, once per drop, 10 a day) and 50 poll votes on 50
		// polls (20 points each, once per poll), all at once.
		const results = await Promise.all(
			Array.from({ length: 200 }, (_, i) =>
				recordEngagementQuickly(
					t.db,
					input(member, {
						kind: i < 150 ? 'drop_opened' : 'poll_vote',
						object: i < 150 ? `drop:${i % 50}` : `poll:${i}`,
						idempotencyKey: unique('c')
					}),
					{ now, onDetour: (d) => detours.set(d, (detours.get(d) ?? 0) + 1) }
				)
			)
		);
		expect(results.every((r) => r.status === 'recorded')).toBe(true);
		const rows = rowsOf<{ kind: string; earning: number; points: number }>(
			await t.db.execute(sql`
				select kind, count(*) filter (where points > 0)::int as earning, sum(points)::int as points
				from engagements where member_id = ${member} group by kind order by kind`)
		);
		expect(rows).toEqual([
			{ kind: 'daily_visit', earning: 1, points: 5 },
			{ kind: 'drop_opened', earning: 10, points: 20 },
			{ kind: 'poll_vote', earning: 50, points: 1000 }
		]);
		// The race was real: some writes found the row changed and took the locked path.
		expect(detours.get('raced') ?? 0).toBeGreaterThan(0);
		// 1,025 points: Insider; the state equals a rebuild from the ledger.
		const row = await tierRow(t.db, member);
		expect(row).toMatchObject({ earnedRank: 2, rank: 2 });
		await t.db.transaction(async (tx) => rebuildMember(tx, member, await loadTimeline(tx), row.updatedAt));
		expect(stateOfRow(await tierRow(t.db, member))).toEqual(stateOfRow(row));
	});
});
