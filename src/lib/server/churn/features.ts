// Churn features per member as of a moment, from SQL over the ledger, subscription events and
// tiers (one pass, grouped by member), and the label for a past moment: did they leave in the 30
// days after it? Leaving: their tier stepped down (a patron cancelling or lapsing, an earned tier
// dropping), or an active fan went silent (no engagement of their own in the 30 days after).
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import { ADJUSTMENT_KIND } from '../loyalty';
import { notErased } from '../privacy';
import type { FeatureRow } from './model';

const DAY = 86_400_000;
export const HORIZON_DAYS = 30;
const NOT_OWN = [ADJUSTMENT_KIND, 'birthday'];

export interface MemberFeatures {
	memberId: string;
	features: FeatureRow;
	/** Only for a moment at least HORIZON_DAYS in the past. */
	left?: boolean;
}

type Row = {
	member_id: string;
	last_at: string | Date | null;
	n30: number | string;
	n60: number | string;
	presales: number | string;
	checkins: number | string;
	past_due: number | string;
	cancels: number | string;
	lapse_at: string | Date | null;
	created_at: string | Date;
	rank: number | string;
	left?: boolean | null;
};

const iso = (d: Date) => d.toISOString();

/** Pure: one SQL row to the model's features (capped so a few outliers do not set the scale). */
export function toFeatures(r: Row, asOf: Date): FeatureRow {
	const days = (d: string | Date | null, cap: number) =>
		d === null ? cap : Math.min(cap, Math.max(0, (asOf.getTime() - new Date(d).getTime()) / DAY));
	const n30 = Number(r.n30);
	const n60 = Number(r.n60);
	const lapse =
		r.lapse_at === null
			? 365
			: Math.min(365, Math.max(0, (new Date(r.lapse_at).getTime() - asOf.getTime()) / DAY));
	return {
		daysSinceActive: Math.round(days(r.last_at, 180)),
		active30d: n30,
		trend: Math.log((n30 + 1) / (n60 + 1)),
		paymentTrouble: Number(r.past_due),
		cancelScheduled: Math.min(1, Number(r.cancels)),
		daysToLapse: Math.round(lapse),
		tenureDays: Math.round(days(r.created_at, 1095)),
		presales180d: Number(r.presales),
		checkins180d: Number(r.checkins)
	};
}

/**
 * Every fan who had joined by `asOf`, with their features then; `withLabel` adds whether they
 * left in the HORIZON_DAYS after. `memberIds` narrows it (one member's page).
 */
export async function featuresAt(
	db: Queryable,
	asOf: Date,
	options: { withLabel?: boolean; memberIds?: string[] } = {}
): Promise<MemberFeatures[]> {
	const t = iso(asOf);
	const d = (n: number) => iso(new Date(asOf.getTime() - n * DAY));
	const after = iso(new Date(asOf.getTime() + HORIZON_DAYS * DAY));
	const notOwn = sql.join(
		NOT_OWN.map((k) => sql`${k}`),
		sql`, `
	);
	const only = options.memberIds?.length
		? sql`and u.id in (${sql.join(
				options.memberIds.map((id) => sql`${id}::uuid`),
				sql`, `
			)})`
		: sql``;
	const label = options.withLabel
		? sql`, (exists (select 1 from tier_changes tc where tc.member_id = m.id and tc.to_rank < tc.from_rank
				and tc.at > ${t}::timestamptz and tc.at <= ${after}::timestamptz)
			or (coalesce(e.n30, 0) > 0 and not exists (select 1 from engagements x where x.member_id = m.id
				and x.kind not in (${notOwn}) and x.occurred_at > ${t}::timestamptz and x.occurred_at <= ${after}::timestamptz))) as left`
		: sql``;
	const result = await db.execute(sql`
		with m as (
			select u.id, u.created_at from users u
			where u.role = 'fan' and u.created_at <= ${t}::timestamptz and ${notErased(sql`u.id`)} ${only}
		),
		e as (
			select g.member_id,
				max(g.occurred_at) as last_at,
				count(*) filter (where g.occurred_at > ${d(30)}::timestamptz) as n30,
				count(*) filter (where g.occurred_at > ${d(60)}::timestamptz and g.occurred_at <= ${d(30)}::timestamptz) as n60,
				count(*) filter (where g.kind = 'presale_claim') as presales,
				count(*) filter (where g.kind = 'venue_checkin') as checkins
			from engagements g join m on m.id = g.member_id
			where g.occurred_at > ${d(180)}::timestamptz and g.occurred_at <= ${t}::timestamptz
				and g.kind not in (${notOwn})
			group by g.member_id
		),
		s as (
			select se.member_id,
				count(*) filter (where se.kind = 'past_due') as past_due,
				greatest(0, count(*) filter (where se.kind = 'cancel_scheduled')
					- count(*) filter (where se.kind = 'cancel_withdrawn')) as cancels
			from subscription_events se join m on m.id = se.member_id
			where se.occurred_at > ${d(90)}::timestamptz and se.occurred_at <= ${t}::timestamptz
			group by se.member_id
		)
		select m.id as member_id, m.created_at, e.last_at, coalesce(e.n30, 0) as n30, coalesce(e.n60, 0) as n60,
			coalesce(e.presales, 0) as presales, coalesce(e.checkins, 0) as checkins,
			coalesce(s.past_due, 0) as past_due, coalesce(s.cancels, 0) as cancels,
			coalesce(mt.rank, 0) as rank,
			case when coalesce(mt.rank, 0) = 0 then null
				else nullif(least(
					case when mt.paid_until > ${t}::timestamptz then mt.paid_until end,
					case when mt.held_until > ${t}::timestamptz then mt.held_until end
				), null) end as lapse_at
			${label}
		from m
		left join e on e.member_id = m.id
		left join s on s.member_id = m.id
		left join member_tiers mt on mt.member_id = m.id
		order by m.id`);
	return rowsOf<Row>(result).map((r) => ({
		memberId: r.member_id,
		features: toFeatures(r, asOf),
		...(options.withLabel ? { left: Boolean(r.left) } : {})
	}));
}
