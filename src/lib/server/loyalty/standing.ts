// A member's standing as of now: the stored state advanced past any hold that has ended,
// and the progress text inputs for /me. Read-only.
import { desc, eq, sql, type SQL } from 'drizzle-orm';
import { cached } from '../cache';
import { preparedOnce } from '../db/prepared';
import { jsonValue, readTogether, rowsOf, type Queryable, type Read } from '../db';
import { dateFromMs, epochMs } from '../db/batch';
import { earningRules, engagements, type LadderVersion } from '../db/schema';
import { loadLadder, loadLadderVersions, timelineFrom, type LadderRow } from './ladder-store';
import { computeProgress, type Progress } from './progress';
import { advance, INITIAL_STATE, pointsAtOver, type EarnedState, type PointEntry } from './tier-state';

export interface Standing {
	ladder: LadderRow[];
	tier: LadderRow;
	progress: Progress;
	earned: EarnedState;
}

/** The ladder and its versions, remembered for a few seconds (see cache.ts). */
export function cachedLadder(db: Queryable): Promise<{ ladder: LadderRow[]; versions: LadderVersion[] }> {
	return cached(db, 'ladder+versions', async () => {
		const [ladder, versions] = await Promise.all([loadLadder(db), loadLadderVersions(db)]);
		return { ladder, versions };
	});
}

export async function getStanding(db: Queryable, memberId: string, now = new Date()): Promise<Standing> {
	const { standing } = await readTogether(db, { standing: await standingRead(db, memberId, now) });
	return standing;
}

/** getStanding as a read a page can ask together with its others (db/together.ts). */
export async function standingRead(
	db: Queryable,
	memberId: string,
	now = new Date()
): Promise<Read<Standing>> {
	const { ladder, versions } = await cachedLadder(db);
	const timeline = timelineFrom(ladder, versions);
	return {
		value: sql`(select row_to_json(t) from (${tierAndEntriesSql(sql`(select ${memberId}::uuid as id) m`, now)}) t)`,
		parse: (v) => standingFrom(ladder, timeline, parseTierAndEntries(jsonValue<TierAndEntriesRow>(v)), now)
	};
}

/** The pure half: the stored state advanced to now, and the progress. */
function standingFrom(
	ladder: LadderRow[],
	timeline: ReturnType<typeof timelineFrom>,
	{ row, entries }: { row: StoredTier | null; entries: PointEntry[] },
	now: Date
): Standing {
	const stored: EarnedState = row
		? {
				rank: row.earnedRank,
				reachedAt: row.reachedAt,
				heldUntil: row.heldUntil,
				lastEventAt: row.lastEventAt
			}
		: INITIAL_STATE;
	const earned = advance(stored, now, timeline, pointsAtOver(entries));
	const paid = row?.paidRank != null && row.paidUntil ? { rank: row.paidRank, until: row.paidUntil } : null;
	const progress = computeProgress(ladder, earned, paid, entries, now);
	const tier = ladder.find((t) => t.rank === progress.rank) ?? ladder[0];
	return { ladder, tier, progress, earned };
}

interface StoredTier {
	earnedRank: number;
	reachedAt: Date | null;
	heldUntil: Date | null;
	lastEventAt: Date | null;
	paidRank: number | null;
	paidUntil: Date | null;
}

/**
 * The member's stored tier and the entries that can still count, in one statement: this runs on
 * most fan pages, and each round trip costs more than the rows. Times travel as epoch
 * milliseconds, which both drivers return as plain numbers. The entries reach back from the
 * earlier of now and the hold's end, a month more than 12 (SQL's month arithmetic differs from
 * ours at month ends; the fold filters).
 */
type TierAndEntriesRow = {
	id: string;
	found: boolean;
	earned_rank: number | null;
	reached_ms: number | null;
	held_ms: number | null;
	last_ms: number | null;
	paid_rank: number | null;
	paid_ms: number | null;
	entries: string | [number, number][];
};

/** The member's stored tier and the entries that can still count, read for `members` (a subquery of ids). */
function tierAndEntriesSql(members: SQL, now: Date): SQL {
	const at = now.toISOString();
	return sql`
		select m.id, mt.member_id is not null as found, mt.earned_rank, ${epochMs(sql`mt.reached_at`)} as reached_ms,
			${epochMs(sql`mt.held_until`)} as held_ms, ${epochMs(sql`mt.last_event_at`)} as last_ms,
			mt.paid_rank, ${epochMs(sql`mt.paid_until`)} as paid_ms,
			(select coalesce(json_agg(json_build_array(${epochMs(sql`e.occurred_at`)}, e.points)), '[]'::json)
				from engagements e
				where e.member_id = m.id
					and e.occurred_at > least(mt.held_until, ${at}::timestamptz) - interval '13 months') as entries
		from ${members}
		left join member_tiers mt on mt.member_id = m.id`;
}

function parseTierAndEntries(r: TierAndEntriesRow): { row: StoredTier | null; entries: PointEntry[] } {
	const list = typeof r.entries === 'string' ? (JSON.parse(r.entries) as [number, number][]) : r.entries;
	const entries = list.map(([t, points]) => ({ occurredAt: new Date(t), points }));
	if (!r.found) return { row: null, entries };
	return {
		row: {
			earnedRank: r.earned_rank!,
			reachedAt: dateFromMs(r.reached_ms),
			heldUntil: dateFromMs(r.held_ms),
			lastEventAt: dateFromMs(r.last_ms),
			paidRank: r.paid_rank,
			paidUntil: dateFromMs(r.paid_ms)
		},
		entries
	};
}

/**
 * Many members' standings in one statement (a presale's batch of claims): the same fold as
 * getStanding, one round trip instead of one per member.
 */
export async function getStandings(
	db: Queryable,
	memberIds: readonly string[],
	now = new Date()
): Promise<Map<string, Standing>> {
	const ids = [...new Set(memberIds)];
	const out = new Map<string, Standing>();
	if (!ids.length) return out;
	const [{ ladder, versions }, rows] = await Promise.all([
		cachedLadder(db),
		db.execute(tierAndEntriesSql(sql`unnest(${`{${ids.join(',')}}`}::uuid[]) as m(id)`, now))
	]);
	const timeline = timelineFrom(ladder, versions);
	for (const r of rowsOf<TierAndEntriesRow>(rows))
		out.set(r.id, standingFrom(ladder, timeline, parseTierAndEntries(r), now));
	return out;
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

const labelled = <T extends { kind: string; label: string | null }>(r: T) => ({
	...r,
	label: r.label ?? (r.kind === 'staff_adjustment' ? 'Adjustment by staff' : r.kind)
});

/** The member's newest `limit` entries (listActivity's first page) as a read to ask together. */
export function activityRead(memberId: string, limit: number): Read<ActivityItem[]> {
	return {
		value: sql`coalesce((select json_agg(row_to_json(q)) from (
			select e.id, e.kind, r.label, e.points, e.occurred_at as "occurredAt",
				e.capped_reason as "cappedReason", e.note
			from engagements e left join earning_rules r on r.kind = e.kind
			where e.member_id = ${memberId}::uuid
			order by e.occurred_at desc, e.id desc limit ${limit}) q), '[]'::json)`,
		parse: (v) =>
			jsonValue<
				(Omit<ActivityItem, 'occurredAt' | 'label'> & { label: string | null; occurredAt: string })[]
			>(v).map((r) => labelled({ ...r, occurredAt: new Date(r.occurredAt) }))
	};
}

/** The member's ledger, newest first, with each kind's label: for /me and /me/points. */
export async function listActivity(
	db: Queryable,
	memberId: string,
	limit: number,
	offset = 0
): Promise<ActivityItem[]> {
	const rows = await preparedOnce(db, 'activity', () =>
		db
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
			.where(eq(engagements.memberId, sql.placeholder('memberId')))
			.orderBy(desc(engagements.occurredAt), desc(engagements.id))
			.limit(sql.placeholder('limit'))
			.offset(sql.placeholder('offset'))
			.prepare('encore_activity')
	).execute({ memberId, limit, offset });
	return rows.map(labelled);
}
