// A member's standing as of now: the stored state advanced past any hold that has ended,
// and the progress text inputs for /me. Read-only.
import { and, desc, eq, sql } from 'drizzle-orm';
import { cached } from '../cache';
import type { Queryable } from '../db';
import { earningRules, engagements, memberTiers } from '../db/schema';
import { loadLadder, loadLadderVersions, timelineFrom } from './engine';
import { computeProgress, type Progress } from './progress';
import { advance, INITIAL_STATE, pointsAtOver, type EarnedState } from './tier-state';

export type LadderRow = Awaited<ReturnType<typeof loadLadder>>[number];

export interface Standing {
	ladder: LadderRow[];
	tier: LadderRow;
	progress: Progress;
	earned: EarnedState;
}

export async function getStanding(db: Queryable, memberId: string, now = new Date()): Promise<Standing> {
	// The row and the entries in one round trip: the entries' lower bound comes from the row in SQL
	// (a month early, as SQL's month arithmetic differs from ours at month ends; the fold filters).
	const [{ ladder, versions }, [row], entries] = await Promise.all([
		cached(db, 'ladder+versions', async () => {
			const [ladder, versions] = await Promise.all([loadLadder(db), loadLadderVersions(db)]);
			return { ladder, versions };
		}),
		db.select().from(memberTiers).where(eq(memberTiers.memberId, memberId)).limit(1),
		db
			.select({ occurredAt: engagements.occurredAt, points: engagements.points })
			.from(engagements)
			.where(
				and(
					eq(engagements.memberId, memberId),
					sql`${engagements.occurredAt} > coalesce(
						(select least(${memberTiers.heldUntil}, ${now.toISOString()}::timestamptz) from ${memberTiers} where ${memberTiers.memberId} = ${memberId}),
						${now.toISOString()}::timestamptz
					) - interval '13 months'`
				)
			)
	]);
	const stored: EarnedState = row
		? {
				rank: row.earnedRank,
				reachedAt: row.reachedAt,
				heldUntil: row.heldUntil,
				lastEventAt: row.lastEventAt
			}
		: INITIAL_STATE;
	const timeline = timelineFrom(ladder, versions);
	const earned = advance(stored, now, timeline, pointsAtOver(entries));
	const paid = row?.paidRank != null && row.paidUntil ? { rank: row.paidRank, until: row.paidUntil } : null;
	const progress = computeProgress(ladder, earned, paid, entries, now);
	const tier = ladder.find((t) => t.rank === progress.rank) ?? ladder[0];
	return { ladder, tier, progress, earned };
}

export interface ActivityItem {
	id: number;
	kind: string;
	label: string;
	points: number;
	occurredAt: Date;
	cappedReason: string | null;
	note: string | null;
}

/** The member's ledger, newest first, with each kind's label: for /me and /me/points. */
export async function listActivity(
	db: Queryable,
	memberId: string,
	limit: number,
	offset = 0
): Promise<ActivityItem[]> {
	const rows = await db
		.select({
			id: engagements.id,
			kind: engagements.kind,
			label: earningRules.label,
			points: engagements.points,
			occurredAt: engagements.occurredAt,
			cappedReason: engagements.cappedReason,
			note: engagements.note
		})
		.from(engagements)
		.leftJoin(earningRules, eq(earningRules.kind, engagements.kind))
		.where(eq(engagements.memberId, memberId))
		.orderBy(desc(engagements.occurredAt), desc(engagements.id))
		.limit(limit)
		.offset(offset);
	return rows.map((r) => ({
		...r,
		label: r.label ?? (r.kind === 'staff_adjustment' ? 'Adjustment by staff' : r.kind)
	}));
}
