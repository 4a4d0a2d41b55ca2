// The members directory as SQL. Every filter is a condition on users, member_tiers and the
// member_activity summary (one row per member, refreshed from the ledger by ./activity), so a
// request never sums the ledger: that is what keeps 100,000 members under 300 ms. Values are
// always bound parameters. Erased accounts (tombstones) are never listed.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import { notErased } from '../privacy';
import { lastRefresh } from './activity';
import { ACTIVE_DAYS, DORMANT_DAYS, PAGE_SIZE, type MembersFilter } from './filter';
import { likePattern } from './filter';

const DAY = 86_400_000;

export interface MemberListRow {
	id: string;
	displayName: string;
	email: string;
	role: 'fan' | 'staff' | 'admin';
	verified: boolean;
	joinedAt: Date;
	rank: number;
	earnedRank: number;
	paid: boolean;
	paidRank: number | null;
	points12m: number;
	engagements90d: number;
	lastActivityAt: Date | null;
}

const iso = (d: Date) => d.toISOString();

/** The active paid grant: a paid rank whose clock runs, or a comp not yet ended or revoked. */
function paidSql(now: Date): SQL {
	return sql`((mt.paid_rank is not null and mt.paid_until > ${iso(now)}::timestamptz)
		or exists (select 1 from patron_comps c where c.member_id = u.id and c.revoked_at is null
			and c.ends_at > ${iso(now)}::timestamptz))`;
}

export function memberConditions(f: MembersFilter, now: Date): SQL[] {
	const s = f.segment;
	const conditions: SQL[] = [notErased(sql`u.id`)];
	if (f.q) {
		const pattern = likePattern(f.q);
		// One expression, as indexed (users_search_trgm_idx); a pattern has no spaces unless typed.
		conditions.push(sql`(u.display_name || ' ' || u.email) ilike ${pattern}`);
	}
	if (f.role !== 'any') conditions.push(sql`u.role = ${f.role}`);
	if (f.route === 'paid') conditions.push(paidSql(now));
	if (f.route === 'earned')
		conditions.push(sql`coalesce(mt.earned_rank, 0) > 0 and mt.earned_rank >= mt.rank`);
	if (f.status === 'active')
		conditions.push(
			sql`ma.last_activity_at > ${iso(new Date(now.getTime() - ACTIVE_DAYS * DAY))}::timestamptz`
		);
	if (f.status === 'dormant')
		conditions.push(
			sql`(ma.last_activity_at is null or ma.last_activity_at <= ${iso(new Date(now.getTime() - DORMANT_DAYS * DAY))}::timestamptz)`
		);
	if (f.status === 'unverified') conditions.push(sql`u.email_verified_at is null`);
	if (s.tiers.length) {
		const ranks = sql.join(
			s.tiers.map((t) => sql`${t}`),
			sql`, `
		);
		// Without the first tier (rank 0, also members with no tier row yet) the rank index can
		// answer: no coalesce around the column.
		conditions.push(
			s.tiers.includes(0) ? sql`coalesce(mt.rank, 0) in (${ranks})` : sql`mt.rank in (${ranks})`
		);
	}
	if (s.minPoints !== null) conditions.push(sql`ma.points_12m >= ${s.minPoints}`);
	if (s.maxPoints !== null) conditions.push(sql`ma.points_12m <= ${s.maxPoints}`);
	if (s.minEngagements90 !== null) conditions.push(sql`ma.engagements_90d >= ${s.minEngagements90}`);
	if (s.minTenureDays !== null)
		conditions.push(
			sql`u.created_at <= ${iso(new Date(now.getTime() - s.minTenureDays * DAY))}::timestamptz`
		);
	const voted = sql`exists (select 1 from poll_ballots b where b.member_id = u.id)`;
	if (s.hasVoted === 'yes') conditions.push(voted);
	if (s.hasVoted === 'no') conditions.push(sql`not ${voted}`);
	const attended = sql`exists (select 1 from engagements e where e.member_id = u.id and e.kind = 'venue_checkin')`;
	if (s.hasAttended === 'yes') conditions.push(attended);
	if (s.hasAttended === 'no') conditions.push(sql`not ${attended}`);
	return conditions;
}

// Driven by member_activity (every account has a row from sign-up on): sorted by points or
// activity, Postgres walks that index in order and stops after a page.
const FROM = sql`from member_activity ma
	join users u on u.id = ma.member_id
	left join member_tiers mt on mt.member_id = u.id`;

/** Counting stops here: "10,000+ members", and pages go no further (narrow the filter or export). */
export const COUNT_CAP = 10_000;

function orderSql(f: MembersFilter): SQL {
	switch (f.sort) {
		case 'activity':
			return sql`ma.last_activity_at desc nulls last, ma.member_id`;
		case 'tenure':
			return sql`u.created_at asc, u.id`;
		case 'newest':
			return sql`u.created_at desc, u.id`;
		case 'name':
			return sql`lower(u.display_name) asc, u.id`;
		default:
			return sql`ma.points_12m desc, ma.member_id`;
	}
}

type Row = {
	id: string;
	display_name: string;
	email: string;
	role: MemberListRow['role'];
	verified: boolean;
	created_at: string | Date;
	rank: number;
	earned_rank: number;
	paid: boolean;
	paid_rank: number | null;
	points_12m: number;
	engagements_90d: number;
	last_activity_at: string | Date | null;
};

function toRow(r: Row): MemberListRow {
	return {
		id: r.id,
		displayName: r.display_name,
		email: r.email,
		role: r.role,
		verified: Boolean(r.verified),
		joinedAt: new Date(r.created_at),
		rank: Number(r.rank),
		earnedRank: Number(r.earned_rank),
		paid: Boolean(r.paid),
		paidRank: r.paid_rank === null ? null : Number(r.paid_rank),
		points12m: Number(r.points_12m),
		engagements90d: Number(r.engagements_90d),
		lastActivityAt: r.last_activity_at === null ? null : new Date(r.last_activity_at)
	};
}

function selectSql(f: MembersFilter, now: Date, limit: number, offset: number): SQL {
	return sql`select u.id, u.display_name, u.email, u.role, u.email_verified_at is not null as verified,
			u.created_at, coalesce(mt.rank, 0) as rank, coalesce(mt.earned_rank, 0) as earned_rank,
			${paidSql(now)} as paid, mt.paid_rank,
			ma.points_12m as points_12m, ma.engagements_90d as engagements_90d,
			ma.last_activity_at
		${FROM}
		where ${sql.join(memberConditions(f, now), sql` and `)}
		order by ${orderSql(f)}
		limit ${limit} offset ${offset}`;
}

export interface MemberPage {
	/** Up to COUNT_CAP; `capped` says there are more. */
	total: number;
	capped: boolean;
	pages: number;
	members: MemberListRow[];
	/** When the points and activity figures were computed (the oldest row's refresh); null if never. */
	asOf: Date | null;
}

export async function listMembers(db: Queryable, f: MembersFilter, now = new Date()): Promise<MemberPage> {
	const [total, listResult, asOf] = await Promise.all([
		countMembers(db, f, now, COUNT_CAP + 1),
		db.execute(selectSql(f, now, PAGE_SIZE, (f.page - 1) * PAGE_SIZE)),
		lastRefresh(db)
	]);
	const capped = total > COUNT_CAP;
	return {
		total: Math.min(total, COUNT_CAP),
		capped,
		pages: Math.max(1, Math.ceil(Math.min(total, COUNT_CAP) / PAGE_SIZE)),
		members: rowsOf<Row>(listResult).map(toRow),
		asOf
	};
}

/** How many members match, counting no further than `cap` when given. */
export async function countMembers(
	db: Queryable,
	f: MembersFilter,
	now = new Date(),
	cap?: number
): Promise<number> {
	const where = sql.join(memberConditions(f, now), sql` and `);
	const query =
		cap === undefined
			? sql`select count(*)::int as n ${FROM} where ${where}`
			: sql`select count(*)::int as n from (select 1 ${FROM} where ${where} limit ${cap}) c`;
	return Number(rowsOf<{ n: number }>(await db.execute(query))[0].n);
}

/** Every member matching the filter (all pages), in chunks, in the filter's order. */
export async function* allMembers(
	db: Queryable,
	f: MembersFilter,
	now = new Date(),
	chunk = 2000
): AsyncGenerator<MemberListRow[]> {
	for (let offset = 0; ; offset += chunk) {
		const rows = rowsOf<Row>(await db.execute(selectSql(f, now, chunk, offset))).map(toRow);
		if (rows.length) yield rows;
		if (rows.length < chunk) return;
	}
}
