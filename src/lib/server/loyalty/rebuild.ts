// Recomputes every member's tier from the ledger alone. With `dryRun` it only reports where the
// stored state differs (it never should: the same fold runs on every write).
import { asc, gt, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { memberTiers } from '../db/schema';
import { pointEntriesByMember, saveTierStates, stateOf } from './engine';
import { loadTimeline } from './ladder-store';
import { replay, type EarnedState } from './tier-state';

export interface RebuildReport {
	members: number;
	differing: { memberId: string; stored: EarnedState; rebuilt: EarnedState }[];
}

const same = (a: EarnedState, b: EarnedState) =>
	a.rank === b.rank &&
	a.reachedAt?.getTime() === b.reachedAt?.getTime() &&
	a.heldUntil?.getTime() === b.heldUntil?.getTime() &&
	a.lastEventAt?.getTime() === b.lastEventAt?.getTime();

export async function rebuildAll(
	db: Database,
	options: { dryRun?: boolean; batchSize?: number } = {}
): Promise<RebuildReport> {
	const timeline = await loadTimeline(db);
	const batchSize = options.batchSize ?? 1000;
	const report: RebuildReport = { members: 0, differing: [] };
	// Members with history but no tier row yet would be missed by walking member_tiers alone.
	await db.execute(
		sql`insert into member_tiers (member_id) select distinct member_id from engagements on conflict do nothing`
	);
	let after = '00000000-0000-0000-0000-000000000000';
	for (;;) {
		const done = await db.transaction(async (tx) => {
			const rows = await tx
				.select()
				.from(memberTiers)
				.where(gt(memberTiers.memberId, after))
				.orderBy(asc(memberTiers.memberId))
				.limit(batchSize)
				.for('update');
			if (rows.length === 0) return true;
			const byMember = await pointEntriesByMember(
				tx,
				rows.map((r) => r.memberId)
			);

			const corrections = [];
			for (const row of rows) {
				const rebuilt = replay(byMember.get(row.memberId) ?? [], timeline);
				const stored = stateOf(row);
				report.members++;
				if (!same(stored, rebuilt)) {
					report.differing.push({ memberId: row.memberId, stored, rebuilt });
					corrections.push({ row, state: rebuilt });
				}
			}
			if (!options.dryRun) await saveTierStates(tx, corrections, new Date(), { moments: false });
			after = rows[rows.length - 1].memberId;
			return false;
		});
		if (done) return report;
	}
}
