// The member_activity summary, rebuilt from the ledger. Why a summary table and not live sums:
// the directory sorts and filters 100,000 members by 12-month points, and those points change
// with time alone (entries leave the window), so no counter kept on write stays right. One
// set-based pass over the ledger (a hash aggregate, a few seconds at 5 million rows) every ten
// minutes keeps every figure at most that old; the page says "as of" when. Staff actions on a
// member refresh that member at once, so what staff just did shows in the list.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import { ADJUSTMENT_KIND } from '../loyalty/earning';
import { windowStart } from '../loyalty/tier-state';

const DAY = 86_400_000;
export const REFRESH_EVERY_MS = 10 * 60_000;

function refreshSql(now: Date, only: SQL | null): SQL {
	const at = now.toISOString();
	const since12 = windowStart(now).toISOString();
	const since90 = new Date(now.getTime() - 90 * DAY).toISOString();
	const memberFilter = only ? sql`and e.member_id = ${only}` : sql``;
	const userFilter = only ? sql`and u.id = ${only}` : sql``;
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
			only
				? sql`true`
				: sql`(member_activity.points_12m, member_activity.engagements_90d, member_activity.last_activity_at)
			is distinct from (excluded.points_12m, excluded.engagements_90d, excluded.last_activity_at)`
		}`;
}

/**
 * Rebuilds every member's row from the ledger (scheduled work; idempotent) and logs the run: its
 * time is what the directory shows as "as of". Returns how many rows changed.
 */
export async function refreshMemberActivity(db: Queryable, now = new Date()): Promise<number> {
	const started = performance.now();
	const result = await db.execute(
		sql`with done as (${refreshSql(now, null)} returning 1) select count(*)::int as n from done`
	);
	// Rows of accounts erased since the last pass.
	await db.execute(
		sql`delete from member_activity ma where exists (select 1 from account_deletions d where d.member_id = ma.member_id)`
	);
	const changed = Number(rowsOf<{ n: number }>(result)[0].n);
	await db.execute(sql`insert into member_activity_runs (refreshed_at, changed_rows, ms)
		values (${now.toISOString()}::timestamptz, ${changed}, ${Math.round(performance.now() - started)})`);
	// Keep a day or so of history, no more.
	await db.execute(
		sql`delete from member_activity_runs where refreshed_at < ${new Date(now.getTime() - 2 * DAY).toISOString()}::timestamptz`
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
	await db.execute(refreshSql(now, sql`${memberId}::uuid`));
}
