// The insights for a period [from, to), as of its last day: daily figures from the rollups,
// tier movement from tier_changes, revenue from subscription_events and payments. Every number
// is computed from history, so any past period gives what it gave then.
import { sql } from 'drizzle-orm';
import { houseTimeZone } from '../house';
import { rowsOf, type Queryable } from '../db';
import { loadLadder } from '../loyalty';
import {
	addDays,
	churnByTier,
	cohortTable,
	conversionByTier,
	eachDay,
	eachMonth,
	engagementRates,
	lifetimeValue,
	mrrMovement,
	rate,
	type ChurnRow,
	type CohortRow,
	type ConversionRow,
	type LtvRow,
	type MrrMovement
} from './metrics';
import { dayStart, isMember, lastRun } from './rollup';
import type { Period } from './period';

export interface TierInfo {
	rank: number;
	name: string;
	colour: string;
}

export interface Insights {
	tiers: TierInfo[];
	currency: string;
	/** The house's zone: days are its calendar days, and instants are read on its clock. */
	timeZone: string;
	/** When the daily rollups were last computed (null: never). */
	freshAt: string | null;
	members: { day: string; counts: Record<number, number> }[];
	funnel: { rank: number; members: number; atOrAbove: number; share: number | null }[];
	totalMembers: number;
	engagementRate: { rank: number; members: number; engaged: number; rate: number | null }[];
	engagementKinds: { kind: string; total: number; byRank: Record<number, number> }[];
	conversion: ConversionRow[];
	churn: ChurnRow[];
	cohorts: CohortRow[];
	mrr: { opening: number; closing: number; series: { day: string; mrr: number }[]; movement: MrrMovement };
	ltv: (LtvRow & { revenueMinor: number; payers: number; paying: number })[];
	drops: {
		byRank: { rank: number; opens: number; perMember: number | null }[];
		top: { id: number; title: string; minRank: number; opens: number }[];
	};
	presales: {
		windowId: number;
		event: string;
		minRank: number;
		opensAt: string;
		eligible: number;
		claimed: number;
		checkedIn: number;
	}[];
	polls: {
		id: number;
		question: string;
		opensAt: string;
		eligible: number;
		ballots: number;
		rate: number | null;
	}[];
}

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);
const rows = async <T = Row>(db: Queryable, query: ReturnType<typeof sql>) =>
	rowsOf<T>(await db.execute(query));

/**
 * Tier movement within the period, per member who had a tier change in it: their tier at the start
 * (Listener for those who signed up within it), the route of their first move above it, and
 * whether they fell below it. Members without a change are only counted (see loadInsights).
 */
async function tierMovement(db: Queryable, p: Period) {
	return rows<{
		start_rank: number;
		route: string | null;
		left_tier: boolean;
		n: number;
	}>(
		db,
		sql`
		with changers as (
			select distinct tc.member_id
			from tier_changes tc
			where tc.at >= ${dayStart(p.from)} and tc.at < ${dayStart(p.to)} and ${isMember(sql`tc.member_id`)}
		),
		-- A member who signed up within the period has no change before it: Listener, as defined.
		starts as (
			select distinct on (t.member_id) t.member_id, t.to_rank
			from tier_changes t
			join changers c on c.member_id = t.member_id
			where t.at < ${dayStart(p.from)}
			order by t.member_id, t.at desc, t.id desc
		),
		s as (
			select c.member_id as id, coalesce(st.to_rank, 0) as start_rank
			from changers c
			left join starts st on st.member_id = c.member_id
		),
		ups as (
			select distinct on (tc.member_id) tc.member_id, tc.route
			from tier_changes tc
			join s on s.id = tc.member_id
			where tc.at >= ${dayStart(p.from)} and tc.at < ${dayStart(p.to)} and tc.to_rank > s.start_rank
			order by tc.member_id, tc.at, tc.id
		),
		downs as (
			select distinct tc.member_id
			from tier_changes tc
			join s on s.id = tc.member_id
			where tc.at >= ${dayStart(p.from)} and tc.at < ${dayStart(p.to)} and tc.to_rank < s.start_rank
		)
		select s.start_rank, u.route, d.member_id is not null as left_tier, count(*)::int as n
		from s
		left join ups u on u.member_id = s.id
		left join downs d on d.member_id = s.id
		group by 1, 2, 3`
	);
}

async function cohortRows(db: Queryable, p: Period) {
	const tz = houseTimeZone();
	return rows<{ rank: number; cohort: string; left_month: string | null; n: number }>(
		db,
		sql`
		with entries as (
			select distinct on (member_id, rank, cohort) member_id, rank, cohort, at, id
			from (
				select tc.member_id, tc.to_rank as rank, to_char(tc.at at time zone ${tz}, 'YYYY-MM') as cohort, tc.at, tc.id
				from tier_changes tc
				where tc.at >= ${dayStart(p.from)} and tc.at < ${dayStart(p.to)}
					and tc.to_rank > tc.from_rank and tc.to_rank > 0 and ${isMember(sql`tc.member_id`)}
			) x
			order by member_id, rank, cohort, at, id
		),
		-- The first change below the tier after entering it is always a step down: join those.
		downs as (
			select tc.member_id, tc.to_rank, tc.at, tc.id
			from tier_changes tc
			where tc.to_rank < tc.from_rank and tc.at >= ${dayStart(p.from)} and tc.at < ${dayStart(p.to)}
		),
		outcomes as (
			select e.rank, e.cohort, to_char(min(d.at) at time zone ${tz}, 'YYYY-MM') as left_month
			from entries e
			left join downs d on d.member_id = e.member_id and d.to_rank < e.rank and (d.at, d.id) > (e.at, e.id)
			group by e.member_id, e.rank, e.cohort
		)
		select rank, cohort, left_month, count(*)::int as n
		from outcomes
		group by 1, 2, 3`
	);
}

/** Subscription events of members (fans, not erased). */
const memberEvents = sql`
	select se.* from subscription_events se
	where ${isMember(sql`se.member_id`)}`;

/** Per paid tier: recurring revenue and paying members just before `at` (each subscription's last event). */
const payingAt = (at: ReturnType<typeof sql>) => sql`
	select to_rank as rank, sum(mrr_after_minor)::bigint as mrr, count(distinct member_id)::int as paying
	from (
		select distinct on (coalesce(stripe_subscription_id, 'member:' || member_id::text))
			member_id, to_rank, mrr_after_minor
		from (${memberEvents}) e
		where occurred_at < ${at}
		order by coalesce(stripe_subscription_id, 'member:' || member_id::text), occurred_at desc, id desc
	) last
	where mrr_after_minor > 0 and to_rank is not null
	group by to_rank`;

export async function loadInsights(db: Queryable, p: Period): Promise<Insights> {
	const tz = houseTimeZone();
	const [
		ladder,
		[ladderCurrency],
		run,
		tierDays,
		kinds,
		movement,
		atStart,
		cohorts,
		mrrOpening,
		mrrDays,
		mrrChanges,
		payingEnd,
		payingStart,
		ended,
		revenue,
		dropRanks,
		dropTop,
		presales,
		polls
	] = await Promise.all([
		loadLadder(db),
		rows<{ currency: string }>(db, sql`select currency from tiers order by rank desc limit 1`).then((r) =>
			r.map((t) => t.currency)
		),
		lastRun(db),
		rows<{ day: string; rank: number; members: number; engaged: number }>(
			db,
			sql`select to_char(day, 'YYYY-MM-DD') as day, rank, members, engaged from insight_tier_days
				where day >= ${p.from}::date and day < ${p.to}::date order by day, rank`
		),
		rows<{ kind: string; rank: number; n: number }>(
			db,
			sql`select kind, rank, sum(engagements)::int as n from insight_engagement_days
				where day >= ${p.from}::date and day < ${p.to}::date group by kind, rank`
		),
		tierMovement(db, p),
		rows<{ rank: number; members: number }>(
			db,
			sql`select rank, members from insight_tier_days where day = ${p.from}::date - 1`
		),

		cohortRows(db, p),
		rows<{ mrr: number }>(
			db,
			sql`select coalesce(sum(mrr_delta_minor), 0)::bigint as mrr from (${memberEvents}) e where occurred_at < ${dayStart(p.from)}`
		),
		rows<{ day: string; delta: number }>(
			db,
			sql`select to_char(occurred_at at time zone ${tz}, 'YYYY-MM-DD') as day, sum(mrr_delta_minor)::bigint as delta
				from (${memberEvents}) e
				where occurred_at >= ${dayStart(p.from)} and occurred_at < ${dayStart(p.to)}
				group by 1 order by 1`
		),
		rows<{ before: number; after: number; n: number }>(
			db,
			sql`select mrr_before_minor as before, mrr_after_minor as after, count(*)::int as n
				from (${memberEvents}) e
				where occurred_at >= ${dayStart(p.from)} and occurred_at < ${dayStart(p.to)} and mrr_delta_minor <> 0
				group by 1, 2`
		),
		rows<{ rank: number; mrr: number; paying: number }>(db, payingAt(dayStart(p.to))),
		rows<{ rank: number; mrr: number; paying: number }>(db, payingAt(dayStart(p.from))),
		rows<{ rank: number; n: number }>(
			db,
			sql`select from_rank as rank, count(*)::int as n from (${memberEvents}) e
				where occurred_at >= ${dayStart(p.from)} and occurred_at < ${dayStart(p.to)}
					and mrr_before_minor > 0 and mrr_after_minor = 0 and from_rank is not null
				group by from_rank`
		),
		rows<{ rank: number; revenue: number; payers: number; currency: string | null }>(
			db,
			sql`select tier_rank as rank, sum(amount_minor)::bigint as revenue,
					count(distinct member_id) filter (where kind = 'payment')::int as payers, max(currency) as currency
				from payments pm
				where occurred_at < ${dayStart(p.to)} and tier_rank is not null
					and ${isMember(sql`pm.member_id`)}
				group by tier_rank`
		),
		rows<{ rank: number; opens: number }>(
			db,
			sql`select rank, sum(opens)::int as opens from insight_drop_days
				where day >= ${p.from}::date and day < ${p.to}::date group by rank`
		),
		rows<{ id: number; title: string; min_rank: number; opens: number }>(
			db,
			sql`select d.id, d.title, d.min_rank, sum(x.opens)::int as opens
				from insight_drop_days x join drops d on d.id = x.drop_id
				where x.day >= ${p.from}::date and x.day < ${p.to}::date
				group by d.id, d.title, d.min_rank order by opens desc, d.id limit 10`
		),
		rows<{
			window_id: number;
			event: string;
			min_rank: number;
			opens_at: Date | string;
			eligible: number;
			claimed: number;
			checked_in: number;
		}>(
			db,
			sql`select w.id as window_id, ev.title as event, w.min_rank, w.opens_at,
					coalesce((select sum(t.members) from insight_tier_days t
						where t.day = (w.opens_at at time zone ${tz})::date and t.rank >= w.min_rank), 0)::int as eligible,
					(select count(distinct c.member_id) from presale_claims c
						where c.window_id = w.id and c.claimed_at is not null
							and ${isMember(sql`c.member_id`)})::int as claimed,
					(select count(distinct c.member_id) from presale_claims c
						where c.window_id = w.id and c.checked_in_at is not null
							and ${isMember(sql`c.member_id`)})::int as checked_in
				from presale_windows w join events ev on ev.id = w.event_id
				where w.opens_at >= ${dayStart(p.from)} and w.opens_at < ${dayStart(p.to)}
				order by w.opens_at, w.id`
		),
		rows<{ id: number; question: string; opens_at: Date | string; eligible: number; ballots: number }>(
			db,
			sql`select po.id, po.question, po.opens_at,
					coalesce((select sum(t.members) from insight_tier_days t
						where t.day = (po.opens_at at time zone ${tz})::date
							and (jsonb_array_length(po.eligible_ranks) = 0
								or po.eligible_ranks @> to_jsonb(t.rank))), 0)::int as eligible,
					(select count(*) from poll_ballots b
						where b.poll_id = po.id
							and ${isMember(sql`b.member_id`)})::int as ballots
				from polls po
				where po.opens_at >= ${dayStart(p.from)} and po.opens_at < ${dayStart(p.to)}
				order by po.opens_at, po.id`
		)
	]);

	const tiers = ladder.map((t) => ({ rank: t.rank, name: t.name, colour: t.colour }));
	const ranks = tiers.map((t) => t.rank);
	const currency = ladderCurrency ?? 'eur';

	// Members per tier, day by day.
	const byDay = new Map<string, Record<number, number>>();
	for (const r of tierDays) {
		const counts = byDay.get(r.day) ?? {};
		counts[r.rank] = num(r.members);
		byDay.set(r.day, counts);
	}
	// Days before the first computed one had no members yet: zeros, so the chart spans the period.
	const lastComputed = tierDays.at(-1)?.day;
	const members = lastComputed
		? eachDay(p.from, addDays(lastComputed, 1)).map((day) => ({ day, counts: byDay.get(day) ?? {} }))
		: [];
	const lastDay = tierDays.filter((r) => r.day === p.last);
	const totalMembers = lastDay.reduce((s, r) => s + num(r.members), 0);
	const funnel = ranks.map((rank) => {
		const at = lastDay.find((r) => r.rank === rank);
		const atOrAbove = lastDay.filter((r) => r.rank >= rank).reduce((s, r) => s + num(r.members), 0);
		return { rank, members: num(at?.members), atOrAbove, share: rate(atOrAbove, totalMembers) };
	});
	const engagementRate = engagementRates(
		ranks.map((rank) => {
			const at = lastDay.find((r) => r.rank === rank);
			return { rank, members: num(at?.members), engaged: num(at?.engaged) };
		})
	);

	const kindMap = new Map<string, { kind: string; total: number; byRank: Record<number, number> }>();
	for (const r of kinds) {
		const k = kindMap.get(r.kind) ?? { kind: r.kind, total: 0, byRank: {} };
		k.total += num(r.n);
		k.byRank[r.rank] = (k.byRank[r.rank] ?? 0) + num(r.n);
		kindMap.set(r.kind, k);
	}
	const engagementKinds = [...kindMap.values()].sort(
		(a, b) => b.total - a.total || a.kind.localeCompare(b.kind)
	);

	// Members without a tier change in the period stayed where they started: the day before's
	// rollup (and the period's sign-ups, at Listener) counts them without reading each one.
	const changerRows = movement.map((r) => ({ ...r, start_rank: num(r.start_rank), n: num(r.n) }));
	// Members only join (an erasure rebuilds the rollups): the growth of the total is the sign-ups.
	const joinedWithin = Math.max(0, totalMembers - atStart.reduce((sum, r) => sum + num(r.members), 0));
	const startCount = (rank: number) => num(atStart.find((r) => num(r.rank) === rank)?.members);
	const changersAt = (rank: number) =>
		changerRows.filter((r) => r.start_rank === rank).reduce((s, r) => s + r.n, 0);
	const conversion = conversionByTier(
		[
			...changerRows.map((r) => ({ startRank: r.start_rank, upRoute: r.route, count: r.n })),
			...ranks.map((rank) => ({
				startRank: rank,
				upRoute: null,
				count: Math.max(0, startCount(rank) + (rank === 0 ? joinedWithin : 0) - changersAt(rank))
			}))
		],
		ranks
	);
	const churn = churnByTier(
		[
			...changerRows
				.filter((r) => r.start_rank > 0)
				.map((r) => ({ startRank: r.start_rank, left: r.left_tier, count: r.n })),
			...ranks.map((rank) => ({
				startRank: rank,
				left: false,
				count: Math.max(0, startCount(rank) - changersAt(rank))
			}))
		],
		ranks,
		p.days
	);
	const cohortTriangle = cohortTable(
		cohorts.map((r) => ({ rank: num(r.rank), cohort: r.cohort, leftMonth: r.left_month, count: num(r.n) })),
		eachMonth(p.from, p.to)
	);

	const opening = num(mrrOpening[0]?.mrr);
	const deltas = new Map(mrrDays.map((r) => [r.day, num(r.delta)]));
	let running = opening;
	const series = eachDay(p.from, p.to).map((day) => ({ day, mrr: (running += deltas.get(day) ?? 0) }));
	const closing = opening + [...deltas.values()].reduce((s, d) => s + d, 0);
	const mrr = {
		opening,
		closing,
		series,
		movement: mrrMovement(
			mrrChanges.map((r) => ({ beforeMinor: num(r.before), afterMinor: num(r.after), count: num(r.n) }))
		)
	};

	const ltv = ranks
		.filter((rank) => rank > 0)
		.map((rank) => {
			const rev = revenue.find((r) => num(r.rank) === rank);
			const end = payingEnd.find((r) => num(r.rank) === rank);
			const start = payingStart.find((r) => num(r.rank) === rank);
			const row = lifetimeValue({
				rank,
				revenueMinor: num(rev?.revenue),
				payers: num(rev?.payers),
				mrrMinor: num(end?.mrr),
				paying: num(end?.paying),
				payingAtStart: num(start?.paying),
				ended: num(ended.find((r) => num(r.rank) === rank)?.n),
				days: p.days
			});
			return { ...row, revenueMinor: num(rev?.revenue), payers: num(rev?.payers), paying: num(end?.paying) };
		});

	const drops = {
		byRank: ranks.map((rank) => {
			const opens = num(dropRanks.find((r) => num(r.rank) === rank)?.opens);
			const held = funnel.find((f) => f.rank === rank)?.members ?? 0;
			return { rank, opens, perMember: rate(opens, held) };
		}),
		top: dropTop.map((r) => ({
			id: num(r.id),
			title: r.title,
			minRank: num(r.min_rank),
			opens: num(r.opens)
		}))
	};

	return {
		tiers,
		currency,
		timeZone: houseTimeZone(),
		freshAt: run ? run.ranAt.toISOString() : null,
		members,
		funnel,
		totalMembers,
		engagementRate,
		engagementKinds,
		conversion,
		churn,
		cohorts: cohortTriangle,
		mrr,
		ltv,
		drops,
		presales: presales.map((r) => ({
			windowId: num(r.window_id),
			event: r.event,
			minRank: num(r.min_rank),
			opensAt: new Date(r.opens_at).toISOString(),
			eligible: num(r.eligible),
			claimed: num(r.claimed),
			checkedIn: num(r.checked_in)
		})),
		polls: polls.map((r) => ({
			id: num(r.id),
			question: r.question,
			opensAt: new Date(r.opens_at).toISOString(),
			eligible: num(r.eligible),
			ballots: num(r.ballots),
			rate: rate(num(r.ballots), num(r.eligible))
		}))
	};
}
