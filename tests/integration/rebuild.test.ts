// The rebuild command corrects stored tier states from the ledger, quietly: a correction is not
// a moment to celebrate, so it posts nothing to the fan's inbox.
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import { rowsOf } from '$lib/server/db/connect';
import { memberTiers } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { recordEngagement } from '$lib/server/loyalty';
import { rebuildAll } from '$lib/server/loyalty/rebuild';
import { forEachDriver, unique, uniqueEmail } from './harness';

forEachDriver('rebuild', (t) => {
	it('restores a tampered tier state without posting a tier-up moment', async () => {
		await seedEssentials(t.db);
		const member = (await insertUser(t.db, {
			email: uniqueEmail('rebuild'),
			displayName: 'Rebuilt',
			passwordHash: 'x'
		}))!.id;
		// 250 points: Fan (rank 1), with its tier-up moment.
		await t.db.transaction((tx) =>
			recordEngagement(tx, {
				memberId: member,
				kind: 'staff_adjustment',
				source: 'test',
				idempotencyKey: unique('adj'),
				adjustment: { points: 250, note: 'Welcome gift', actorId: member }
			})
		);
		const inbox = async () =>
			rowsOf<{ n: number }>(
				await t.db.execute(sql`select count(*)::int as n from inbox_items where member_id = ${member}`)
			)[0].n;
		expect(await inbox()).toBe(1);
		// Read and cleared: a rebuild that celebrated again would post it anew.
		await t.db.execute(sql`delete from inbox_items where member_id = ${member}`);

		await t.db
			.update(memberTiers)
			.set({ earnedRank: 0, rank: 0, reachedAt: null, heldUntil: null })
			.where(eq(memberTiers.memberId, member));
		const report = await rebuildAll(t.db);
		expect(report.differing.map((d) => d.memberId)).toContain(member);

		const [row] = await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, member));
		expect(row.earnedRank).toBe(1);
		expect(row.rank).toBe(1);
		expect(await inbox()).toBe(0);
		expect((await rebuildAll(t.db, { dryRun: true })).differing).toEqual([]);
	});
});
