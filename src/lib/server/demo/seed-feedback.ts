// Demo feedback over the generated history: questions the morning after check-ins, relationship
// surveys and cancellation reasons, answered by about three in five, with satisfaction rising by
// tier and a few detractors who say why. Deterministic (hashes of ids, no clock but `now`).
import { sql } from 'drizzle-orm';
import type { Queryable } from '../db';

const DETRACTOR_COMMENTS = [
	'The queue at the door took forty minutes.',
	'Sound at the back was muddy all night.',
	'Presale sold out in seconds; felt pointless.',
	'Too expensive for what the tier gives.',
	'Not much new in the drops lately.'
];
const HAPPY_COMMENTS = ['Best night of the year!', 'Loved the encore.', 'Great crowd, great sound.'];

export async function seedDemoFeedback(db: Queryable, fanPattern: string, now: Date): Promise<void> {
	const h = (expr: ReturnType<typeof sql>) => sql`(abs(hashtext(${expr})) % 100)`;
	const sad = sql`array[${sql.join(
		DETRACTOR_COMMENTS.map((c) => sql`${c}`),
		sql`, `
	)}]::text[]`;
	const happy = sql`array[${sql.join(
		HAPPY_COMMENTS.map((c) => sql`${c}`),
		sql`, `
	)}]::text[]`;
	// After shows: one per member and show day (the newest 4,000), rank lifts the score.
	await db.execute(sql`
		insert into feedback_requests (member_id, kind, subject, subject_label, rank, sent_at, answered_at, score, comment, answers, tags)
		select e.member_id, 'checkin', e.object, 'Your visit on ' || e.day, coalesce(mt.rank, 0),
			min(e.occurred_at) + interval '14 hours',
			case when ${h(sql`e.member_id::text || e.object`)} < 60 then min(e.occurred_at) + interval '16 hours' end,
			case when ${h(sql`e.member_id::text || e.object`)} < 60 then
				least(5, greatest(1, 2 + coalesce(mt.rank, 0) / 2 + ${h(sql`e.object || e.member_id::text`)} % 3 - case when ${h(sql`e.object || 'x' || e.member_id::text`)} < 12 then 2 else 0 end)) end,
			case when ${h(sql`e.member_id::text || e.object`)} < 60 and ${h(sql`e.object || 'x' || e.member_id::text`)} < 12
				then (${sad})[1 + ${h(sql`e.member_id::text`)} % ${DETRACTOR_COMMENTS.length}]
				when ${h(sql`e.member_id::text || e.object`)} < 8 then (${happy})[1 + ${h(sql`e.object`)} % ${HAPPY_COMMENTS.length}] end,
			case when ${h(sql`e.member_id::text || e.object`)} < 60 then 1 else 0 end,
			case when ${h(sql`e.member_id::text || e.object`)} < 60 and ${h(sql`e.object || 'x' || e.member_id::text`)} < 12
				then jsonb_build_array((array['queue','sound','presale','price','content'])[1 + ${h(sql`e.member_id::text`)} % 5]) else '[]'::jsonb end
		from engagements e join users u on u.id = e.member_id left join member_tiers mt on mt.member_id = e.member_id
		where e.kind = 'venue_checkin' and u.email like ${fanPattern} and e.occurred_at < ${now.toISOString()}::timestamptz
		group by e.member_id, e.object, e.day, mt.rank
		order by min(e.occurred_at) desc limit 4000
		on conflict do nothing`);
	// The relationship survey: about half the fans, once, in the last 90 days.
	await db.execute(sql`
		insert into feedback_requests (member_id, kind, subject, subject_label, rank, sent_at, answered_at, score, comment, answers)
		select u.id, 'nps', 'nps:demo', 'How likely are you to recommend us?', coalesce(mt.rank, 0),
			${now.toISOString()}::timestamptz - (${h(sql`u.id::text`)} || ' days')::interval,
			case when ${h(sql`'a' || u.id::text`)} < 55 then ${now.toISOString()}::timestamptz - (${h(sql`u.id::text`)} || ' days')::interval + interval '3 hours' end,
			case when ${h(sql`'a' || u.id::text`)} < 55 then
				least(10, greatest(0, 5 + coalesce(mt.rank, 0) + ${h(sql`'b' || u.id::text`)} % 4 - case when ${h(sql`'c' || u.id::text`)} < 15 then 5 else 0 end)) end,
			case when ${h(sql`'a' || u.id::text`)} < 55 and ${h(sql`'c' || u.id::text`)} < 15
				then (${sad})[1 + ${h(sql`'d' || u.id::text`)} % ${DETRACTOR_COMMENTS.length}] end,
			case when ${h(sql`'a' || u.id::text`)} < 55 then 1 else 0 end
		from users u left join member_tiers mt on mt.member_id = u.id
		where u.email like ${fanPattern} and ${h(sql`'n' || u.id::text`)} < 50 and u.created_at < ${now.toISOString()}::timestamptz - interval '30 days'
		on conflict do nothing`);
	// Why patrons left: every cancelled subscription, most with a reason.
	await db.execute(sql`
		insert into feedback_requests (member_id, kind, subject, subject_label, rank, sent_at, answered_at, reason, answers)
		select s.member_id, 'cancellation', 'subscription:' || s.id, 'Patronage', coalesce(s.tier_rank, 0),
			coalesce(s.ended_at, s.updated_at), coalesce(s.ended_at, s.updated_at),
			(array['too_expensive','not_enough_content','not_using','one_benefit','other','too_expensive'])[1 + ${h(sql`s.id`)} % 6], 1
		from patron_subscriptions s join users u on u.id = s.member_id
		where u.email like ${fanPattern} and (s.status = 'canceled' or s.cancel_at_period_end) and ${h(sql`'r' || s.id`)} < 80
		on conflict do nothing`);
}
