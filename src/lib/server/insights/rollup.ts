// The daily rollups behind the insights page (schema/insights.ts), computed from the ledger and
// the tier history. One function computes any range of days; the due work runs it for yesterday
// and today (and any days it missed), `npm run insights:rebuild` for every day since the first
// sign-up. The same SQL either way, so a rebuild gives what the increments gave.
import { sql } from 'drizzle-orm';
import { houseTimeZone } from '../house';
import { rowsOf, type Database, type Queryable } from '../db';
import { dayKey } from '../loyalty';
import { addDays, ENGAGED_WINDOW_DAYS, NOT_ENGAGEMENT } from './metrics';

const RUN_NAME = 'daily';

/** The midnight starting a house-local day, as a timestamptz expression. */
export const dayStart = (day: string | ReturnType<typeof sql>) =>
	sql`((${day})::date::timestamp at time zone ${houseTimeZone()})`;

/** Fans who are members for insights: not staff, not erased. */
export const insightMembers = sql`
	select u.id, (u.created_at at time zone ${houseTimeZone()})::date as joined
	from users u
	where u.role = 'fan'
		and not exists (select 1 from account_deletions d where d.member_id = u.id)`;

/** The accounts insights leave out: staff and erased members (a handful, so anti-joins stay cheap). */
export const excludedMembers = sql`
	select id from users where role <> 'fan'
	union all
	select member_id from account_deletions`;

/** SQL true when the member id is a member insights count. */
export const isMember = (memberId: ReturnType<typeof sql>) =>
	sql`not exists (select 1 from (${excludedMembers}) x where x.id = ${memberId})`;

const notEngagementList = sql.join(
	NOT_ENGAGEMENT.map((k) => sql`${k}`),
	sql`, `
);

/**
 * Each member's tier as spans of days [s, e): Listener from sign-up to the first change, then the
 * tier of the last change of each day with changes. Left in a temporary table for the statements
 * that follow in the same transaction.
 */
async function createSpans(tx: Queryable, lastDay: string): Promise<void> {
	const tz = houseTimeZone();
	await tx.execute(sql`
		create temporary table insight_spans on commit drop as
		with members as (${insightMembers}),
		changes as (
			select tc.member_id, (tc.at at time zone ${tz})::date as d, tc.to_rank, tc.at, tc.id
			from tier_changes tc
			join members m on m.id = tc.member_id
			where tc.at < ${dayStart(sql`${addDays(lastDay, 1)}`)}
		),
		last_of_day as (
			select distinct on (member_id, d) member_id, d, to_rank
			from changes
			order by member_id, d, at desc, id desc
		),
		firsts as (select member_id, min(d) as first_d from last_of_day group by member_id),
		spans as (
			select m.id as member_id, m.joined as s, coalesce(f.first_d, 'infinity'::date) as e, 0 as rank
			from members m
			left join firsts f on f.member_id = m.id
			union all
			select l.member_id, greatest(l.d, m.joined) as s,
				coalesce(lead(l.d) over (partition by l.member_id order by l.d), 'infinity'::date) as e,
				l.to_rank as rank
			from last_of_day l
			join members m on m.id = l.member_id
		)
		select member_id, s, e, rank from spans where s < e`);
	await tx.execute(sql`create index on insight_spans (member_id)`);
	await tx.execute(sql`analyze insight_spans`);
}

/** Recomputes the rollups of every day in [firstDay, lastDay] (inclusive). */
export async function computeRollups(
	db: Database,
	firstDay: string,
	lastDay: string,
	now = new Date()
): Promise<{ days: number }> {
	if (firstDay > lastDay) return { days: 0 };
	const a = sql`${firstDay}::date`;
	const b = sql`${lastDay}::date`;
	const windowStart = addDays(firstDay, -(ENGAGED_WINDOW_DAYS - 1));
	// The ledger rows of the days concerned, found by time (the BRIN index), then by their day.
	const ledgerFrom = sql`e.occurred_at >= ${dayStart(sql`${addDays(windowStart, -1)}`)}
		and e.occurred_at < ${dayStart(sql`${addDays(lastDay, 2)}`)}`;
	await db.transaction(async (tx) => {
		// Two instances computing at once would collide on the primary keys: one at a time.
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext('encore-insight-rollups'))`);
		// A rebuild sorts millions of (member, day) pairs: in memory, not in temporary files.
		await tx.execute(sql`set local work_mem = '64MB'`);
		await tx.execute(sql`set local jit = off`);
		await createSpans(tx, lastDay);
		await tx.execute(sql`delete from insight_tier_days where day between ${a} and ${b}`);
		await tx.execute(sql`delete from insight_engagement_days where day between ${a} and ${b}`);
		await tx.execute(sql`delete from insight_drop_days where day between ${a} and ${b}`);

		// Members and engaged members per day and tier: +1 where a span starts, −1 where it ends,
		// summed along the days (a member is engaged on the 30 days from each active day).
		await tx.execute(sql`
			insert into insight_tier_days (day, rank, members, engaged)
			with active as (
				select distinct e.member_id, e.day::date as d
				from engagements e
				where ${ledgerFrom}
					and e.day >= ${windowStart} and e.day <= ${lastDay}
					and e.kind not in (${notEngagementList})
			),
			coverage as (
				select member_id, d as cs,
					least(d + ${ENGAGED_WINDOW_DAYS}::int, coalesce(lead(d) over (partition by member_id order by d), d + ${ENGAGED_WINDOW_DAYS}::int)) as ce
				from active
			),
			engaged as (
				select sp.rank, greatest(c.cs, sp.s, ${a}) as s, least(c.ce, sp.e, ${b} + 1) as e
				from coverage c
				join insight_spans sp on sp.member_id = c.member_id and sp.s < c.ce and c.cs < sp.e
			),
			deltas as (
				select greatest(s, ${a}) as day, rank, 1 as m, 0 as g from insight_spans where s <= ${b} and e > ${a}
				union all
				select e, rank, -1, 0 from insight_spans where e > ${a} and e <= ${b}
				union all
				select s, rank, 0, 1 from engaged where s < e
				union all
				select e, rank, 0, -1 from engaged where s < e and e <= ${b}
			),
			summed as (select day, rank, sum(m) as m, sum(g) as g from deltas group by day, rank),
			ranks as (select rank from tiers union select distinct rank from insight_spans),
			grid as (
				select d::date as day, r.rank
				from generate_series(${a}::timestamp, ${b}::timestamp, interval '1 day') d
				cross join ranks r
			)
			select g.day, g.rank,
				sum(coalesce(s.m, 0)) over (partition by g.rank order by g.day)::int,
				sum(coalesce(s.g, 0)) over (partition by g.rank order by g.day)::int
			from grid g
			left join summed s on s.day = g.day and s.rank = g.rank`);

		await tx.execute(sql`
			insert into insight_engagement_days (day, rank, kind, engagements, members)
			select e.day::date, sp.rank, e.kind, count(*)::int, count(distinct e.member_id)::int
			from engagements e
			join insight_spans sp on sp.member_id = e.member_id and sp.s <= e.day::date and e.day::date < sp.e
			where ${ledgerFrom}
				and e.day >= ${firstDay} and e.day <= ${lastDay}
				and e.kind not in (${notEngagementList})
			group by 1, 2, 3`);

		await tx.execute(sql`
			insert into insight_drop_days (day, drop_id, rank, opens)
			select e.day::date, substr(e.object, 6)::int, sp.rank, count(*)::int
			from engagements e
			join insight_spans sp on sp.member_id = e.member_id and sp.s <= e.day::date and e.day::date < sp.e
			where ${ledgerFrom}
				and e.day >= ${firstDay} and e.day <= ${lastDay}
				and e.kind = 'drop_opened' and e.object ~ '^drop:[0-9]{1,9}$'
			group by 1, 2, 3`);

		await tx.execute(sql`
			insert into insight_runs (name, first_day, last_day, ran_at)
			values (${RUN_NAME}, ${firstDay}::date, ${lastDay}::date, ${now.toISOString()}::timestamptz)
			on conflict (name) do update set
				first_day = least(insight_runs.first_day, excluded.first_day),
				last_day = greatest(insight_runs.last_day, excluded.last_day),
				ran_at = excluded.ran_at`);
	});
	return { days: Math.round((Date.parse(lastDay) - Date.parse(firstDay)) / 86_400_000) + 1 };
}

/** The first day anything happened: the earliest sign-up of a member (or today). */
async function firstDayOfHistory(db: Queryable, today: string): Promise<string> {
	const [row] = rowsOf<{ day: string | null }>(
		await db.execute(sql`select to_char(min(joined), 'YYYY-MM-DD') as day from (${insightMembers}) m`)
	);
	return row?.day && row.day < today ? row.day : today;
}

export async function lastRun(
	db: Queryable
): Promise<{ firstDay: string; lastDay: string; ranAt: Date } | null> {
	const [row] = rowsOf<{ first_day: string; last_day: string; ran_at: Date | string }>(
		await db.execute(
			sql`select to_char(first_day, 'YYYY-MM-DD') as first_day, to_char(last_day, 'YYYY-MM-DD') as last_day, ran_at
				from insight_runs where name = ${RUN_NAME}`
		)
	);
	return row ? { firstDay: row.first_day, lastDay: row.last_day, ranAt: new Date(row.ran_at) } : null;
}

async function erasedSince(db: Queryable, since: Date): Promise<boolean> {
	const rows = rowsOf(
		await db.execute(
			sql`select 1 from account_deletions where erased_at >= ${since.toISOString()}::timestamptz limit 1`
		)
	);
	return rows.length > 0;
}

/** Every day from the first sign-up to today, from scratch. */
export async function rebuildRollups(
	db: Database,
	now = new Date()
): Promise<{ firstDay: string; lastDay: string; days: number }> {
	const today = dayKey(now, houseTimeZone());
	const firstDay = await firstDayOfHistory(db, today);
	await db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext('encore-insight-rollups'))`);
		await tx.execute(sql`delete from insight_runs where name = ${RUN_NAME}`);
		await tx.execute(
			sql`delete from insight_tier_days where day < ${firstDay}::date or day > ${today}::date`
		);
		await tx.execute(
			sql`delete from insight_engagement_days where day < ${firstDay}::date or day > ${today}::date`
		);
		await tx.execute(
			sql`delete from insight_drop_days where day < ${firstDay}::date or day > ${today}::date`
		);
	});
	const { days } = await computeRollups(db, firstDay, today, now);
	return { firstDay, lastDay: today, days };
}

/**
 * The due work: yesterday and today (late ledger entries land within a day), and every day since
 * the last run if the scheduler was stopped for a while. Never run before: the whole history.
 */
export async function runInsightsDueWork(db: Database, now: Date): Promise<{ days: number }> {
	const today = dayKey(now, houseTimeZone());
	const last = await lastRun(db);
	// Erased accounts leave every figure, past days included: an erasure since the last run rebuilds.
	if (!last || (await erasedSince(db, last.ranAt))) return rebuildRollups(db, now);
	const from = [addDays(today, -1), last.lastDay].sort()[0];
	return computeRollups(db, from, today, now);
}
