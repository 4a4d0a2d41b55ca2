// Staff edit the ladder; a threshold change is a moment in history that re-evaluates members.
import { and, asc, eq, gt, isNotNull } from 'drizzle-orm';
import type { Database, Queryable } from '../db';
import { ladderVersions, memberTiers, tiers } from '../db/schema';
import { audit } from '../audit';
import { pointEntriesByMember, saveTierStates, stateOf } from './engine';
import { loadLadder, loadTimeline, thresholdsOf } from './ladder-store';
import { forgetCached } from '../cache';
import { ladderProblems } from './ladder';
import { addMonths, reevaluate, pointsAtOver, WINDOW_MONTHS, type Timeline } from './tier-state';

export interface TierEdit {
	rank: number;
	name: string;
	colour: string;
	benefits: string[];
	pointsThreshold: number | null;
}

export type LadderEditResult =
	{ ok: true; reevaluated: number; thresholdsChanged: boolean } | { ok: false; problems: string[] };

export async function updateLadder(
	db: Database,
	edits: TierEdit[],
	actorId: string,
	now = new Date()
): Promise<LadderEditResult> {
	const current = await loadLadder(db);
	const byRank = new Map(edits.map((e) => [e.rank, e]));
	const next = current.map((t) => ({ ...t, ...(byRank.get(t.rank) ?? {}) }));
	const problems = ladderProblems(next);
	if (problems.length) return { ok: false, problems };
	const thresholdsChanged = JSON.stringify(thresholdsOf(current)) !== JSON.stringify(thresholdsOf(next));

	const result = await db.transaction(async (tx) => {
		for (const t of next) {
			await tx
				.update(tiers)
				.set({
					name: t.name,
					colour: t.colour,
					benefits: t.benefits,
					pointsThreshold: t.pointsThreshold,
					updatedAt: now
				})
				.where(eq(tiers.rank, t.rank));
		}
		let reevaluated = 0;
		if (thresholdsChanged) {
			await tx
				.insert(ladderVersions)
				.values({ effectiveAt: now, thresholds: thresholdsOf(next), createdBy: actorId });
			reevaluated = await reevaluateAll(tx, await loadTimeline(tx), now);
		}
		await audit(tx, {
			actorId,
			action: 'tiers.updated',
			subjectType: 'ladder',
			details: {
				before: current.map(({ rank, name, pointsThreshold }) => ({ rank, name, pointsThreshold })),
				after: next.map(({ rank, name, pointsThreshold }) => ({ rank, name, pointsThreshold })),
				reevaluated
			}
		});
		return { ok: true as const, reevaluated, thresholdsChanged };
	});
	forgetCached(db);
	return result;
}

/** Re-evaluates every member with history at `at`, in batches, each member row locked while it changes. */
export async function reevaluateAll(
	tx: Queryable,
	timeline: Timeline,
	at: Date,
	batchSize = 500
): Promise<number> {
	let count = 0;
	let after = '00000000-0000-0000-0000-000000000000';
	for (;;) {
		const rows = await tx
			.select()
			.from(memberTiers)
			.where(and(isNotNull(memberTiers.lastEventAt), gt(memberTiers.memberId, after)))
			.orderBy(asc(memberTiers.memberId))
			.limit(batchSize)
			.for('update');
		if (rows.length === 0) return count;
		const earliest = rows.reduce((min, r) => (r.heldUntil && r.heldUntil < min ? r.heldUntil : min), at);
		const byMember = await pointEntriesByMember(
			tx,
			rows.map((r) => r.memberId),
			addMonths(earliest, -WINDOW_MONTHS)
		);
		const updates = rows.map((row) => {
			const mine = byMember.get(row.memberId) ?? [];
			return { row, state: reevaluate(stateOf(row), at, timeline, pointsAtOver(mine)) };
		});
		await saveTierStates(tx, updates, at);
		count += rows.length;
		after = rows[rows.length - 1].memberId;
	}
}
