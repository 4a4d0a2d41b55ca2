import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import type { Database } from '$lib/server/db/connect';
import { auditLog, memberTiers } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { loadLadder, recordEngagement } from '$lib/server/loyalty';
import { updateLadder } from '$lib/server/loyalty/ladder-admin';
import { rebuildAll } from '$lib/server/loyalty/rebuild';
import { forEachDriver, unique, uniqueEmail } from './harness';

async function newMember(db: Database): Promise<string> {
	const user = await insertUser(db, {
		email: uniqueEmail('member'),
		displayName: 'Member',
		passwordHash: 'x'
	});
	return user!.id;
}

const record = (
	db: Database,
	memberId: string,
	kind: string,
	object: string | null,
	occurredAt: Date,
	now: Date
) =>
	db.transaction((tx) =>
		recordEngagement(
			tx,
			{ memberId, kind, object, occurredAt, source: 'test', idempotencyKey: unique('k') },
			{ now }
		)
	);

const tierOf = async (db: Database, memberId: string) =>
	(await db.select().from(memberTiers).where(eq(memberTiers.memberId, memberId)))[0];

forEachDriver('ladder changes', (t) => {
	it('re-evaluates members at the change, respects holds, and a rebuild agrees', async () => {
		await seedEssentials(t.db);
		const staff = await newMember(t.db);
		const [lifted, held, generated] = [await newMember(t.db), await newMember(t.db), await newMember(t.db)];
		const change = new Date('2025-06-01T00:00:00Z');

		// Before the change: `lifted` has 750 points (Fan), `held` has 200 (Fan).
		for (let i = 0; i < 5; i++)
			await record(t.db, lifted, 'referral', `friend:${i}`, new Date(`2025-0${i + 1}-10T12:00:00Z`), change);
		await record(t.db, held, 'referral', 'friend:1', new Date('2025-01-10T12:00:00Z'), change);
		await record(t.db, held, 'presale_claim', 'event:1', new Date('2025-01-11T12:00:00Z'), change);
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		let at = new Date('2024-09-01T00:00:00Z').getTime();
		const kinds = ['daily_visit', 'poll_vote', 'presale_claim', 'venue_checkin'];
		const step = async (until: number) => {
			while (at < until) {
				at += Math.floor(random() * 9 * 86400_000) + 3600_000;
				if (at >= until) break;
				const kind = kinds[Math.floor(random() * kinds.length)];
				await record(
					t.db,
					generated,
					kind,
					kind === 'daily_visit' ? null : `o:${Math.floor(random() * 1000)}`,
					new Date(at),
					new Date(at)
				);
			}
		};
		await step(change.getTime());

		// Insider now needs 600 (was 1,000) and Fan 300 (was 200).
		const ladder = await loadLadder(t.db);
		const edits = ladder.map((tier) => ({
			...tier,
			pointsThreshold: tier.rank === 1 ? 300 : tier.rank === 2 ? 600 : tier.pointsThreshold
		}));
		const result = await updateLadder(t.db, edits, staff, change);
		expect(result).toMatchObject({ ok: true, thresholdsChanged: true });
		expect(await tierOf(t.db, lifted)).toMatchObject({ earnedRank: 2, reachedAt: change });
		// 200 points no longer reach Fan, but Fan was reached in January and is held for 12 months.
		expect(await tierOf(t.db, held)).toMatchObject({
			earnedRank: 1,
			heldUntil: new Date('2026-01-11T12:00:00Z')
		});

		await step(new Date('2026-09-01T00:00:00Z').getTime());
		const report = await rebuildAll(t.db, { dryRun: true });
		expect(report.members).toBeGreaterThanOrEqual(3);
		expect(report.differing).toEqual([]);

		const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'tiers.updated'));
		expect(entry.actorId).toBe(staff);
	});

	it('refuses thresholds that do not rise with rank, changing nothing', async () => {
		const staff = await newMember(t.db);
		const ladder = await loadLadder(t.db);
		const before = ladder.map((x) => x.pointsThreshold);
		const edits = ladder.map((tier) => ({
			...tier,
			pointsThreshold: tier.rank === 2 ? 100 : tier.pointsThreshold
		}));
		const result = await updateLadder(t.db, edits, staff);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.problems[0]).toMatch(/Insider needs more points than Fan/);
		expect((await loadLadder(t.db)).map((x) => x.pointsThreshold)).toEqual(before);
	});
});
