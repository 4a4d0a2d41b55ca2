// The member_activity summary, rebuilt from the ledger. Why a summary table and not live sums:
// the directory sorts and filters 100,000 members by 12-month points, and those points change
// with time alone (entries leave the window), so no counter kept on write stays right. One
// pass every ten minutes keeps every figure at most that old; the page says "as of" when. A pass
// recomputes only the members whose figures can have moved since the last one (new entries, and
// entries that crossed the 12-month or 90-day edge); once a day a full pass over the whole ledger
// corrects anything else. Staff actions on a member refresh that member at once.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import { ADJUSTMENT_KIND, windowStart } from '../loyalty';

const DAY = 86_400_000;
export const REFRESH_EVERY_MS = 10 * 60_000;
/** A full pass at least this often. */
export const FULL_REFRESH_EVERY_MS = DAY;
/**
 * Entries recorded this long before the last pass are looked at again: recorded_at is the start
 * of the writing transaction, so one still open during the last pass commits with an earlier time.
 */
const LATE_COMMIT_MS = 5 * 60_000;

/** Which members a pass rewrites: all, one, or those in the `affected` CTE. */
type Scope = { kind: 'all' } | { kind: 'member'; id: string } | { kind: 'affected' };

function refreshSql(now: Date, scope: Scope): SQL {
	const at = now.toISOString();
	const since12 = windowStart(now).toISOString();
	const since90 = new Date(now.getTime() - 90 * DAY).toISOString();
	const only =
		scope.kind === 'member'
			? sql`= ${scope.id}::uuid`
			: scope.kind === 'affected'
				? sql`in (select member_id from affected)`
				: null;
	const memberFilter = only ? sql`and e.member_id ${only}` : sql``;
	const userFilter = only ? sql`and u.id ${only}` : sql``;
	return sql`
		insert into member_activity (member_id, points_12m, engagements_90d, last_activity_at, refreshed_at)
		select u.id, coalesce(a.points, 0), coalesce(a.recent, 0), a.last_at, ${at}::timestamptz
		from users u
		left join (
			select e.member_id,
				coalesce(sum(e.points) filter (where e.occurred_at > ${since12}::timestamptz), 0)::int as points,
				(count(*) filter (where e.occurred_at > ${since90}::timestamptz
					and e.kind <> ${ADJUSTMENT_KIND}))::int as recent,
				max(e.occurred_at) filter (where e.kind <> ${ADJUSTMENT_KIND}) as last_at
			from engagements e
			where e.occurred_at <= ${at}::timestamptz ${memberFilter}
			group by e.member_id
		) a on a.member_id = u.id
		where not exists (select 1 from account_deletions d where d.member_id = u.id) ${userFilter}
		on conflict (member_id) do update set
			points_12m = excluded.points_12m,
			engagements_90d = excluded.engagements_90d,
			last_activity_at = excluded.last_activity_at,
			refreshed_at = excluded.refreshed_at
		-- Rows whose figures did not change are not rewritten (most, between two runs).
		where ${
			scope.kind === 'member'
				? sql`true`
				: sql`(member_activity.points_12m, member_activity.engagements_90d, member_activity.last_activity_at)
			is distinct from (excluded.points_12m, excluded.engagements_90d, excluded.last_activity_at)`
		}`;
}

/**
 * Members whose figures can have changed between the pass at `last` and `now`: new entries, and
 * entries that left the 12-month window, the 90-day count, or came of age (dated ahead).
 */
function affectedSql(last: Date, now: Date): SQL {
	const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;
	const crossed = (from: Date, to: Date) =>
		sql`select member_id from engagements where occurred_at > ${iso(from)} and occurred_at <= ${iso(to)}`;
	return sql`
		select member_id from engagements where recorded_at > ${iso(new Date(last.getTime() - LATE_COMMIT_MS))}
		union ${crossed(windowStart(last), windowStart(now))}
		union ${crossed(new Date(last.getTime() - 90 * DAY), new Date(now.getTime() - 90 * DAY))}
		union ${crossed(last, now)}`;
}

/**
 * Brings the summary up to date (scheduled work; idempotent) and logs the run: its time is what
 * the directory shows as "as of". Incremental after a recent full pass, full otherwise or when
 * asked. Returns how many rows changed.
 */
export async function refreshMemberActivity(
	db: Queryable,
	now = new Date(),
	options: { full?: boolean } = {}
): Promise<number> {
	const started = performance.now();
	const [runs] = rowsOf<{ last_at: string | Date | null; full_at: string | Date | null }>(
		await db.execute(sql`select max(refreshed_at) as last_at,
			max(refreshed_at) filter (where full_pass) as full_at from member_activity_runs`)
	);
	const lastAt = runs?.last_at ? new Date(runs.last_at) : null;
	const fullAt = runs?.full_at ? new Date(runs.full_at) : null;
	const full =
		options.full ||
		!lastAt ||
		!fullAt ||
		now.getTime() - fullAt.getTime() >= FULL_REFRESH_EVERY_MS ||
		lastAt.getTime() > now.getTime();
	const result = await db.execute(
		full
			? sql`with done as (${refreshSql(now, { kind: 'all' })} returning 1) select count(*)::int as n from done`
			: sql`with affected as (${affectedSql(lastAt!, now)}),
				done as (${refreshSql(now, { kind: 'affected' })} returning 1)
				select count(*)::int as n from done`
	);
	// Rows of accounts erased since the last pass.
	await db.execute(
		sql`delete from member_activity ma where exists (select 1 from account_deletions d where d.member_id = ma.member_id)`
	);
	const changed = Number(rowsOf<{ n: number }>(result)[0].n);
	await db.execute(sql`insert into member_activity_runs (refreshed_at, changed_rows, ms, full_pass)
		values (${now.toISOString()}::timestamptz, ${changed}, ${Math.round(performance.now() - started)}, ${full})`);
	// Keep two days of history, and always the last full pass.
	await db.execute(
		sql`delete from member_activity_runs where refreshed_at < ${new Date(now.getTime() - 2 * DAY).toISOString()}::timestamptz
			and id <> coalesce((select max(id) from member_activity_runs where full_pass), 0)`
	);
	return changed;
}

/** When the last full refresh ran (null: never). */
export async function lastRefresh(db: Queryable): Promise<Date | null> {
	const rows = rowsOf<{ at: string | Date | null }>(
		await db.execute(sql`select max(refreshed_at) as at from member_activity_runs`)
	);
	return rows[0]?.at ? new Date(rows[0].at) : null;
}

/** Refreshes one member's row (after a staff action on them). */
export async function refreshMemberActivityFor(
	db: Queryable,
	memberId: string,
	now = new Date()
): Promise<void> {
	await db.execute(refreshSql(now, { kind: 'member', id: memberId }));
}
