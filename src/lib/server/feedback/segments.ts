// Feedback as segment conditions: each a subquery of member ids the segments domain can use as
// `member_id in (…)`. The segments domain wires these in; feedback does not import it.
import { sql, type SQL } from 'drizzle-orm';
import type { NpsGroup } from './rules';

/** Gave a low score in the last `days` days: 1–2 of 5, or an NPS detractor (0–6). */
export function membersWithLowScore(now: Date, days = 90): SQL {
	const since = new Date(now.getTime() - days * 86_400_000);
	return sql`(select distinct r.member_id from feedback_requests r
		where r.answered_at >= ${since.toISOString()}::timestamptz and r.score is not null
			and ((r.kind = 'nps' and r.score <= 6) or (r.kind <> 'nps' and r.score <= 2)))`;
}

/** Members whose latest relationship survey answer puts them in the group. */
export function membersInNpsGroup(group: NpsGroup): SQL {
	const range = group === 'promoter' ? sql`>= 9` : group === 'passive' ? sql`between 7 and 8` : sql`<= 6`;
	return sql`(select l.member_id from (
		select distinct on (r.member_id) r.member_id, r.score from feedback_requests r
		where r.kind = 'nps' and r.score is not null
		order by r.member_id, r.answered_at desc, r.id desc) l
		where l.score ${range})`;
}

/** Answered a question about the event (after the show, or about its presale). */
export function membersWhoAnsweredAboutEvent(eventId: number): SQL {
	return sql`(select distinct r.member_id from feedback_requests r
		where r.event_id = ${eventId} and r.answered_at is not null)`;
}
