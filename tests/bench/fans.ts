// Generated tiers and drops the page benches share (drops.ts, pages.ts): members numbered 1..n
// across the ladder (most Listeners, a few patrons), and drops over a year with tiers and windows.
import { memberIdSql } from './ledger';

/** Each generated member's tier row: 60 % entry tier, a few paid, a few at the top. */
export const memberTiersSql = (members: number) => `
	insert into member_tiers (member_id, earned_rank, reached_at, held_until, paid_rank, paid_until, rank)
	select ${memberIdSql('n')}, e, case when e > 0 then now() - interval '30 days' end,
		case when e > 0 then now() + interval '300 days' end,
		case when p > 0 then p end, case when p > 0 then now() + interval '20 days' end, greatest(e, p)
	from (
		select n,
			case when n % 100 < 60 then 0 when n % 100 < 85 then 1 when n % 100 < 95 then 2 else 4 end as e,
			case when n % 50 = 7 then 3 else 0 end as p
		from generate_series(1, ${members}) n
	) t`;

/** Drops over the last year: tiers, early-access windows, a few drafts, scheduled and pinned. */
export const dropsSql = (drops: number) => `
	insert into drops (slug, title, summary, body, body_html, min_rank, windows, status, publish_at, pinned)
	select 'drop-' || n, 'Drop number ' || n, 'A teaser for drop ' || n,
		repeat('Some body text. ', 200), '<p>' || repeat('Some body text. ', 200) || '</p>',
		(array[0, 0, 0, 1, 2, 3, 4])[1 + n % 7],
		case when n % 5 = 0 then '[{"rank":4,"delayMinutes":0},{"rank":3,"delayMinutes":2880},{"rank":0,"delayMinutes":10080}]'::jsonb
			else '[]'::jsonb end,
		(case when n % 50 = 0 then 'draft' when n % 40 = 0 then 'scheduled' else 'published' end)::drop_status,
		case when n % 40 = 0 then now() + interval '3 days' when n % 50 = 0 then null
			else now() - interval '365 days' * (n::float8 / ${drops}) end,
		n % 200 = 1
	from generate_series(1, ${drops}) n`;
