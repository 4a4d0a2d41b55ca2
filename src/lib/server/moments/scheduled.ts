// Moments that come with the calendar: tier-lapse warnings (30 and 7 days before), membership
// anniversaries and birthdays (with the birthday bonus). Each is posted once per occasion by its
// inbox dedupe key, so two instances running this at once still post one.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../db';
import { getHouse, houseTimeZone } from '../house';
import { dayKey, recordEngagement, getStanding } from '../loyalty';
import { firstName, formatPoints } from '../../format';
import { formatDay } from '$lib/time';
import { notErased } from '../privacy';
import { yearsText, postMoments, type MomentInput } from '../notifications';

const DAY_MS = 86_400_000;

/** Which warning is due with `daysLeft` to go: the 7-day one inside a week, else the 30-day one. */
export function lapseWarningDue(daysLeft: number): 7 | 30 | null {
	if (daysLeft <= 0) return null;
	if (daysLeft <= 7) return 7;
	if (daysLeft <= 30) return 30;
	return null;
}

/** Month and day in the house's time zone, and whether that day is the 28 February of a common year. */
export function calendarDay(
	now: Date,
	timeZone: string
): { month: number; day: number; year: number; feb28Common: boolean } {
	const [year, month, day] = dayKey(now, timeZone).split('-').map(Number);
	const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	return { year, month, day, feb28Common: month === 2 && day === 28 && !leap };
}

export async function postLapseWarnings(db: Database, now: Date): Promise<number> {
	// Members already warned for this hold and this step are left out in SQL: the scan repeats
	// all day, and each candidate costs a standing computation.
	const at = now.toISOString();
	const candidates = rowsOf<{ member_id: string; held_until: string | Date }>(
		await db.execute(sql`
			select member_id, held_until from member_tiers
			where earned_rank > 0 and held_until > ${at}::timestamptz
				and held_until <= ${new Date(now.getTime() + 30 * DAY_MS).toISOString()}::timestamptz
				and not exists (
					select 1 from inbox_items i where i.dedupe_key = 'lapse:' || member_id || ':'
						|| to_char(held_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ':'
						|| case when held_until <= ${at}::timestamptz + interval '7 days' then '7' else '30' end)`)
	);
	let posted = 0;
	for (const c of candidates) {
		const heldUntil = new Date(c.held_until);
		const which = lapseWarningDue(Math.ceil((heldUntil.getTime() - now.getTime()) / DAY_MS));
		if (!which) continue;
		const standing = await getStanding(db, c.member_id, now);
		const lapse = standing.progress.lapse;
		// Only when the tier would really drop: enough points already, or a paid tier on top, need no warning.
		if (!lapse || lapse.kind !== 'hold-ends-needs-points' || standing.progress.route === 'paid') continue;
		const name = await memberFirstName(db, c.member_id);
		posted += await postMoments(db, 'tier_lapse_warning', [
			{
				memberId: c.member_id,
				vars: {
					name,
					tier: standing.tier.name,
					date: formatDay(lapse.at, houseTimeZone(), now),
					points: formatPoints(lapse.pointsToKeep - lapse.pointsCountingThen)
				},
				link: '/me',
				dedupeKey: `lapse:${c.member_id}:${heldUntil.toISOString()}:${which}`
			}
		]);
	}
	return posted;
}

async function memberFirstName(db: Database, memberId: string): Promise<string> {
	const [row] = rowsOf<{ display_name: string }>(
		await db.execute(sql`select display_name from users where id = ${memberId}`)
	);
	return row ? firstName(row.display_name) : '';
}

export async function postAnniversaries(db: Database, now: Date): Promise<number> {
	const { month, day, year, feb28Common } = calendarDay(now, houseTimeZone());
	const tz = houseTimeZone();
	const rows = rowsOf<{ id: string; display_name: string; joined: number }>(
		await db.execute(sql`
			select id, display_name, extract(year from created_at at time zone ${tz})::int as joined from users
			where ${notErased(sql`users.id`)} and extract(year from created_at at time zone ${tz}) < ${year}
				and extract(month from created_at at time zone ${tz}) = ${month}
				and (extract(day from created_at at time zone ${tz}) = ${day}
					or (${feb28Common} and extract(month from created_at at time zone ${tz}) = 2
						and extract(day from created_at at time zone ${tz}) = 29))
				and not exists (select 1 from inbox_items i where i.dedupe_key = 'anniversary:' || users.id || ':' || ${String(year)})`)
	);
	if (rows.length === 0) return 0;
	const house = await getHouse(db);
	const inputs: MomentInput[] = rows.map((r) => ({
		memberId: r.id,
		vars: { name: firstName(r.display_name), years: yearsText(year - r.joined), house: house.name },
		link: '/me/card',
		dedupeKey: `anniversary:${r.id}:${year}`
	}));
	return postMoments(db, 'anniversary', inputs);
}

export async function postBirthdays(db: Database, now: Date): Promise<number> {
	const { month, day, year, feb28Common } = calendarDay(now, houseTimeZone());
	const rows = rowsOf<{ id: string; display_name: string }>(
		await db.execute(sql`
			select id, display_name from users
			where birthday_month = ${month}
				and (birthday_day = ${day} or (${feb28Common} and birthday_month = 2 and birthday_day = 29))
				and not exists (select 1 from engagements e where e.idempotency_key = 'birthday:' || users.id || ':' || ${String(year)})`)
	);
	let posted = 0;
	for (const r of rows) {
		// The bonus and the moment together: a retry finds both done (ledger key, inbox dedupe key).
		posted += await db.transaction(async (tx) => {
			const result = await recordEngagement(
				tx,
				{
					memberId: r.id,
					kind: 'birthday',
					object: `birthday:${year}`,
					source: 'system',
					idempotencyKey: `birthday:${r.id}:${year}`,
					occurredAt: now
				},
				{ now }
			);
			return postMoments(tx, 'birthday', [
				{
					memberId: r.id,
					vars: { name: firstName(r.display_name), points: formatPoints(result.entry.points) },
					link: '/me/points',
					dedupeKey: `birthday:${r.id}:${year}`
				}
			]);
		});
	}
	return posted;
}

export async function runMomentsDueWork(db: Database, now = new Date()): Promise<number> {
	return (
		(await postLapseWarnings(db, now)) + (await postAnniversaries(db, now)) + (await postBirthdays(db, now))
	);
}
