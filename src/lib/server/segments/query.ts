// A validated segment filter as SQL: fans only, each filter one condition, values always bound
// as parameters. Points and activity come from the engagement ledger; tier from member_tiers.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import { addMonths } from '../loyalty';
import type { SegmentFilter } from './filter';

const DAY = 86_400_000;

export interface SegmentMember {
	id: string;
	displayName: string;
	email: string;
	rank: number;
	points: number;
	joinedAt: Date;
}

function segmentSql(f: SegmentFilter, now: Date): SQL {
	const since12 = addMonths(now, -12).toISOString();
	const since90 = new Date(now.getTime() - 90 * DAY).toISOString();
	const conditions: SQL[] = [sql`u.role = 'fan'`];
	if (f.tiers.length)
		conditions.push(
			sql`coalesce(mt.rank, 0) in (${sql.join(
				f.tiers.map((t) => sql`${t}`),
				sql`, `
			)})`
		);
	if (f.minPoints !== null) conditions.push(sql`p.points >= ${f.minPoints}`);
	if (f.maxPoints !== null) conditions.push(sql`p.points <= ${f.maxPoints}`);
	if (f.minEngagements90 !== null)
		conditions.push(sql`(select count(*) from engagements e where e.member_id = u.id
			and e.occurred_at > ${since90}::timestamptz and e.kind <> 'staff_adjustment') >= ${f.minEngagements90}`);
	if (f.minTenureDays !== null)
		conditions.push(
			sql`u.created_at <= ${new Date(now.getTime() - f.minTenureDays * DAY).toISOString()}::timestamptz`
		);
	const voted = sql`exists (select 1 from poll_ballots b where b.member_id = u.id)`;
	if (f.hasVoted === 'yes') conditions.push(voted);
	if (f.hasVoted === 'no') conditions.push(sql`not ${voted}`);
	const attended = sql`exists (select 1 from engagements e where e.member_id = u.id and e.kind = 'venue_checkin')`;
	if (f.hasAttended === 'yes') conditions.push(attended);
	if (f.hasAttended === 'no') conditions.push(sql`not ${attended}`);
	return sql`
		select u.id, u.display_name, u.email, coalesce(mt.rank, 0) as rank, p.points, u.created_at
		from users u
		left join member_tiers mt on mt.member_id = u.id
		cross join lateral (
			select coalesce(sum(e.points), 0)::int as points from engagements e
			where e.member_id = u.id and e.occurred_at > ${since12}::timestamptz
		) p
		where ${sql.join(conditions, sql` and `)}`;
}

type Row = {
	id: string;
	display_name: string;
	email: string;
	rank: number;
	points: number;
	created_at: string | Date;
};

export async function previewSegment(
	db: Queryable,
	f: SegmentFilter,
	now = new Date(),
	limit = 50
): Promise<{ count: number; members: SegmentMember[] }> {
	const base = segmentSql(f, now);
	const [countResult, listResult] = await Promise.all([
		db.execute(sql`select count(*)::int as n from (${base}) s`),
		db.execute(sql`${base} order by p.points desc, u.created_at asc limit ${limit}`)
	]);
	const [{ n }] = rowsOf<{ n: number }>(countResult);
	return { count: Number(n), members: rowsOf<Row>(listResult).map(toMember) };
}

export async function segmentMemberIds(db: Queryable, f: SegmentFilter, now = new Date()): Promise<string[]> {
	const rows = rowsOf<{ id: string }>(await db.execute(sql`select s.id from (${segmentSql(f, now)}) s`));
	return rows.map((r) => r.id);
}

function toMember(r: Row): SegmentMember {
	return {
		id: r.id,
		displayName: r.display_name,
		email: r.email,
		rank: Number(r.rank),
		points: Number(r.points),
		joinedAt: new Date(r.created_at)
	};
}
