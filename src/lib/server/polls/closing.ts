// "Poll closing soon": a day before a poll closes, each eligible member who has not voted yet
// hears about it once (the inbox dedupe key), however many instances run this.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../db';
import { firstName } from '../../format';
import { formatDateTime, zoneLabel } from '$lib/time';
import { houseTimeZone } from '../house';
import { postMoments } from '../notifications';
import { notErased } from '../privacy';

export const CLOSING_NOTICE_MS = 24 * 3600_000;

export async function runPollClosingDueWork(db: Database, now = new Date()): Promise<number> {
	const soon = rowsOf<{ id: number; question: string; closes_at: string | Date }>(
		await db.execute(sql`
			select id, question, closes_at from polls
			where opens_at <= ${now.toISOString()}::timestamptz and closes_at > ${now.toISOString()}::timestamptz
				and closes_at <= ${new Date(now.getTime() + CLOSING_NOTICE_MS).toISOString()}::timestamptz`)
	);
	const zone = houseTimeZone();
	let posted = 0;
	for (const poll of soon) {
		// Eligible by tier (none listed: everyone), not voted, not yet told.
		const members = rowsOf<{ id: string; display_name: string }>(
			await db.execute(sql`
				select u.id, u.display_name from users u
				left join member_tiers m on m.member_id = u.id
				cross join polls p
				where p.id = ${poll.id} and u.role = 'fan' and ${notErased(sql`u.id`)}
					and (jsonb_array_length(p.eligible_ranks) = 0 or p.eligible_ranks @> to_jsonb(coalesce(m.rank, 0)))
					and not exists (select 1 from poll_ballots b where b.poll_id = p.id and b.member_id = u.id)
					and not exists (select 1 from inbox_items i where i.dedupe_key = 'poll-closing:' || p.id || ':' || u.id)`)
		);
		posted += await postMoments(
			db,
			'poll_closing',
			members.map((m) => ({
				memberId: m.id,
				vars: {
					name: firstName(m.display_name),
					poll: poll.question,
					// Read in a mail or on any phone: the clock is named.
					time: `${formatDateTime(poll.closes_at, zone)} (${zoneLabel(zone)})`
				},
				link: `/polls/${poll.id}`,
				dedupeKey: `poll-closing:${poll.id}:${m.id}`
			}))
		);
	}
	return posted;
}
