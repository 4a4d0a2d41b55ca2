// Insights on a small seeded history: the daily rollups kept day by day equal a rebuild, and each
// figure the page shows equals an independent plain SQL query written here (differently from the
// implementation: correlated subqueries and window functions instead of spans and deltas).
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { config } from '$lib/server/config';
import { rowsOf, type Database } from '$lib/server/db/connect';
import { seedEssentials } from '$lib/server/setup';
import { addDays, eachDay } from '$lib/server/insights/metrics';
import { parsePeriod } from '$lib/server/insights/period';
import { loadInsights, type Insights } from '$lib/server/insights/queries';
import { rebuildRollups, runInsightsDueWork } from '$lib/server/insights/rollup';
import { forEachDriver } from './harness';

const TZ = config.houseTimeZone;
const FIRST = '2026-01-01';
const TODAY = '2026-05-01';
const noonUtc = (day: string, hour = 11) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);

/** A repeatable pseudo-random sequence (mulberry32), so the history is the same on every run. */
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Timed = { at: Date; insert: (db: Database) => Promise<unknown> };

/** Sign-ups, engagements, tier moves, subscriptions and payments over four months, in time order. */
function history(): { members: string[]; events: Timed[] } {
	const rnd = random(8);
	const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
	const members: string[] = [];
	const events: Timed[] = [];
	const days = eachDay(FIRST, TODAY);
	const kinds = ['daily_visit', 'drop_opened', 'poll_vote', 'venue_checkin', 'staff_adjustment', 'birthday'];
	let key = 0;
	for (let n = 0; n < 30; n++) {
		const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
		members.push(id);
		const joined = days[Math.floor(rnd() * 60)];
		// Staff and an erased fan are in the history but never in the figures.
		const role = n === 29 ? 'staff' : 'fan';
		events.push({
			at: noonUtc(joined, 8),
			insert: (db) =>
				db.execute(sql`insert into users (id, email, display_name, password_hash, role, created_at)
					values (${id}, ${`insights-${n}@example.com`}, ${`Fan ${n}`}, 'x', ${role}, ${noonUtc(joined, 8).toISOString()})`)
		});
		if (n === 28)
			events.push({
				at: noonUtc('2026-04-20'),
				insert: (db) =>
					db.execute(
						sql`insert into account_deletions (member_id, reason, erased_at) values (${id}, 'member', ${noonUtc('2026-04-20').toISOString()})`
					)
			});
		// Engagements: some near midnight, so the house-local day differs from the UTC one.
		const active = rnd() < 0.8;
		for (const day of days.filter((d) => d >= joined)) {
			if (!active || rnd() > 0.12) continue;
			const at = rnd() < 0.2 ? new Date(`${day}T23:30:00Z`) : noonUtc(day, 9 + Math.floor(rnd() * 8));
			const kind = pick(kinds);
			const object = kind === 'drop_opened' ? `drop:${pick([1, 2])}` : null;
			const k = `ins-${key++}`;
			events.push({
				at,
				insert: (db) =>
					db.execute(sql`insert into engagements (member_id, kind, object, points, occurred_at, day, source, idempotency_key, payload_hash)
						values (${id}, ${kind}, ${object}, 5, ${at.toISOString()},
							to_char(${at.toISOString()}::timestamptz at time zone ${TZ}, 'YYYY-MM-DD'), 'test', ${k}, ${k})`)
			});
		}
		// Tier moves: up by points or by paying, sometimes back down, a few on the same day.
		let rank = 0;
		let mrr = 0;
		const sub = `sub_${n}`;
		for (const day of days.filter((d) => d > joined)) {
			if (rnd() > 0.05) continue;
			const up = rank === 0 || (rank < 4 && rnd() < 0.65);
			const to = up ? Math.min(4, rank + 1 + (rnd() < 0.2 ? 1 : 0)) : Math.max(0, rank - 1);
			const route = to >= 2 && up && rnd() < 0.5 ? 'paid' : 'earned';
			const from = rank;
			const at = rnd() < 0.15 ? new Date(`${day}T23:10:00Z`) : noonUtc(day, 12);
			events.push({
				at,
				insert: (db) =>
					db.execute(sql`insert into tier_changes (member_id, from_rank, to_rank, route, at)
						values (${id}, ${from}, ${to}, ${route}, ${at.toISOString()})`)
			});
			if (rnd() < 0.1) {
				const later = new Date(at.getTime() + 60_000);
				events.push({
					at: later,
					insert: (db) =>
						db.execute(sql`insert into tier_changes (member_id, from_rank, to_rank, route, at)
							values (${id}, ${to}, ${from}, 'earned', ${later.toISOString()})`)
				});
			} else rank = to;
			// Subscriptions follow paid moves: start or change price; falling back ends them.
			const price = { 2: 500, 3: 1500, 4: 4167 }[rank] ?? 0;
			const after = route === 'paid' || (mrr > 0 && rank >= 2) ? price : 0;
			if (after !== mrr) {
				const before = mrr;
				const kind =
					before === 0 ? 'started' : after === 0 ? 'ended' : after > before ? 'upgraded' : 'downgraded';
				events.push({
					at,
					insert: (db) =>
						db.execute(sql`insert into subscription_events (member_id, stripe_subscription_id, kind, from_rank, to_rank, status,
								mrr_before_minor, mrr_after_minor, mrr_delta_minor, currency, occurred_at)
							values (${id}, ${sub}, ${kind}, ${from}, ${after ? rank : null}, ${after ? 'active' : 'canceled'},
								${before}, ${after}, ${after - before}, 'eur', ${at.toISOString()})`)
				});
				mrr = after;
			}
			if (mrr > 0) {
				const paid = mrr;
				const tier = rank;
				const k = `invoice:ins-${key++}`;
				events.push({
					at,
					insert: (db) =>
						db.execute(sql`insert into payments (member_id, external_id, kind, tier_rank, amount_minor, currency, occurred_at)
							values (${id}, ${k}, 'payment', ${tier}, ${paid}, 'eur', ${at.toISOString()})`)
				});
				if (rnd() < 0.15)
					events.push({
						at,
						insert: (db) =>
							db.execute(sql`insert into payments (member_id, external_id, kind, tier_rank, amount_minor, currency, occurred_at)
								values (${id}, ${`refund:${k}`}, 'refund', ${tier}, ${-Math.round(paid / 2)}, 'eur', ${at.toISOString()})`)
					});
			}
		}
		if (n % 5 === 0)
			events.push({
				at: noonUtc('2026-03-01'),
				insert: (db) =>
					db.execute(sql`insert into subscription_events (member_id, kind, from_rank, to_rank, status,
							mrr_before_minor, mrr_after_minor, mrr_delta_minor, currency, occurred_at)
						values (${id}, 'comp_granted', null, 3, 'comp', 0, 0, 0, 'eur', ${noonUtc('2026-03-01').toISOString()})`)
			});
	}
	events.sort((a, b) => a.at.getTime() - b.at.getTime());
	return { members, events };
}

/** A drop, a poll and a presale window opening within the period, with ballots and claims. */
async function seedActivities(db: Database, members: string[]): Promise<void> {
	await db.execute(sql`insert into drops (id, slug, title, min_rank, status, publish_at)
		values (1, 'first', 'First drop', 0, 'published', '2026-01-01T00:00:00Z'),
			(2, 'second', 'Second drop', 2, 'published', '2026-01-01T00:00:00Z')`);
	await db.execute(sql`insert into polls (id, question, kind, eligible_ranks, opens_at, closes_at)
		values (1, 'Which song?', 'single', '[1,2,3,4]', '2026-02-15T10:00:00Z', '2026-03-15T10:00:00Z'),
			(2, 'Which city?', 'single', '[]', '2026-03-10T10:00:00Z', '2026-03-20T10:00:00Z')`);
	await db.execute(
		sql`insert into poll_options (id, poll_id, label, position) values (1, 1, 'A', 0), (2, 2, 'B', 0)`
	);
	await db.execute(sql`insert into events (id, slug, title, venue, starts_at, time_zone, public_sale_at, capacity)
		values (1, 'show', 'The show', 'Hall', '2026-04-20T19:00:00Z', ${TZ}, '2026-04-01T10:00:00Z', 100)`);
	await db.execute(sql`insert into presale_windows (id, event_id, min_rank, opens_at, closes_at, mode, allocation, seats_remaining, per_member_limit)
		values (1, 1, 2, '2026-03-05T10:00:00Z', '2026-03-20T10:00:00Z', 'first_come', 50, 40, 2)`);
	for (const [i, id] of members.slice(0, 12).entries()) {
		await db.execute(
			sql`insert into poll_ballots (poll_id, member_id, choices, rank) values (${1 + (i % 2)}, ${id}, ${sql`array[${1 + (i % 2)}]::int[]`}, 1)`
		);
		if (i % 3 === 0)
			await db.execute(sql`insert into presale_claims (window_id, event_id, member_id, seats, code, status, claimed_at, checked_in_at)
				values (1, 1, ${id}, 1, ${`CODE${i}`}, 'claimed', '2026-03-06T10:00:00Z', ${i % 2 === 0 ? sql`'2026-04-20T19:00:00Z'::timestamptz` : null})`);
	}
}

const dump = async (db: Database) =>
	Promise.all(
		['insight_tier_days', 'insight_engagement_days', 'insight_drop_days'].map(async (table) =>
			rowsOf(
				await db.execute(
					sql`select * from ${sql.identifier(table)} order by 1, 2, 3${table === 'insight_tier_days' ? sql`` : sql`, 4`}`
				)
			).map((r) => JSON.stringify(r))
		)
	);

forEachDriver('insights', (t) => {
	let members: string[] = [];

	beforeAll(async () => {
		await seedEssentials(t.db);
		const h = history();
		members = h.members;
		// Day by day, as the scheduler would see it: what happened by the evening, then the due work.
		let next = 0;
		for (const day of eachDay(FIRST, addDays(TODAY, 1))) {
			const evening = noonUtc(day, 21);
			while (next < h.events.length && h.events[next].at < evening) await h.events[next++].insert(t.db);
			await runInsightsDueWork(t.db, evening);
		}
		while (next < h.events.length) await h.events[next++].insert(t.db);
		await runInsightsDueWork(t.db, noonUtc(TODAY, 23));
		await seedActivities(t.db, members);
	}, 240_000);

	it('keeps rollups day by day that equal a rebuild from the ledger', async () => {
		const incremental = await dump(t.db);
		expect(incremental[0].length).toBeGreaterThan(100);
		expect(incremental[1].length).toBeGreaterThan(50);
		await rebuildRollups(t.db, noonUtc(TODAY, 23));
		expect(await dump(t.db)).toEqual(incremental);
	});

	describe('the dashboard equals plain SQL', () => {
		const period = parsePeriod(new URLSearchParams('range=custom&from=2026-02-01&to=2026-03-31'), TODAY);
		let data: Insights;
		const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await t.db.execute(query));
		/** Members' tier at the end of a day, the plain way: the latest change on or before it. */
		const rankOn = (day: ReturnType<typeof sql>) => sql`coalesce((
			select tc.to_rank from tier_changes tc
			where tc.member_id = u.id and (tc.at at time zone ${TZ})::date <= ${day}
			order by tc.at desc, tc.id desc limit 1), 0)`;
		const fans = sql`u.role = 'fan' and u.id not in (select member_id from account_deletions)`;

		beforeAll(async () => {
			data = await loadInsights(t.db, period);
		});

		it('members per tier on every day and the funnel', async () => {
			const expected = await q<{ day: string; rank: number; n: number }>(sql`
				select to_char(d, 'YYYY-MM-DD') as day, r.rank, count(*)::int as n
				from generate_series(${period.from}::date, ${period.last}::date, interval '1 day') d
				cross join lateral (
					select ${rankOn(sql`d::date`)} as rank from users u
					where ${fans} and (u.created_at at time zone ${TZ})::date <= d::date
				) r
				group by 1, 2`);
			const got = data.members.flatMap((d) =>
				Object.entries(d.counts)
					.filter(([, n]) => n > 0)
					.map(([rank, n]) => ({ day: d.day, rank: Number(rank), n }))
			);
			const key = (r: { day: string; rank: number }) => `${r.day}:${r.rank}`;
			expect([...got].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
				[...expected].sort((a, b) => key(a).localeCompare(key(b)))
			);
			const total = expected.filter((r) => r.day === period.last).reduce((s, r) => s + r.n, 0);
			expect(data.totalMembers).toBe(total);
			expect(data.funnel[0].atOrAbove).toBe(total);
		});

		it('engagement rate by tier', async () => {
			const expected = await q<{ rank: number; members: number; engaged: number }>(sql`
				select rank, count(*)::int as members, count(*) filter (where engaged)::int as engaged from (
					select ${rankOn(sql`${period.last}::date`)} as rank,
						exists (select 1 from engagements e where e.member_id = u.id
							and e.kind not in ('staff_adjustment', 'birthday')
							and (e.occurred_at at time zone ${TZ})::date between ${period.last}::date - 29 and ${period.last}::date) as engaged
					from users u where ${fans} and (u.created_at at time zone ${TZ})::date <= ${period.last}::date
				) x group by rank`);
			for (const row of data.engagementRate) {
				const e = expected.find((x) => x.rank === row.rank) ?? { members: 0, engaged: 0 };
				expect({ rank: row.rank, members: row.members, engaged: row.engaged }).toEqual({
					rank: row.rank,
					members: e.members,
					engaged: e.engaged
				});
			}
			expect(expected.some((x) => x.engaged > 0)).toBe(true);
		});

		it('engagement by kind and drop opens by tier', async () => {
			const expected = await q<{ kind: string; rank: number; n: number }>(sql`
				select e.kind, ${rankOn(sql`(e.occurred_at at time zone ${TZ})::date`)} as rank, count(*)::int as n
				from engagements e join users u on u.id = e.member_id
				where ${fans} and e.kind not in ('staff_adjustment', 'birthday')
					and (e.occurred_at at time zone ${TZ})::date >= ${period.from}::date
					and (e.occurred_at at time zone ${TZ})::date < ${period.to}::date
				group by 1, 2`);
			const got = data.engagementKinds.flatMap((k) =>
				Object.entries(k.byRank).map(([rank, n]) => ({ kind: k.kind, rank: Number(rank), n }))
			);
			const key = (r: { kind: string; rank: number }) => `${r.kind}:${r.rank}`;
			expect(got.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
				expected.sort((a, b) => key(a).localeCompare(key(b)))
			);
			for (const d of data.drops.byRank) {
				expect(d.opens).toBe(expected.find((e) => e.kind === 'drop_opened' && e.rank === d.rank)?.n ?? 0);
			}
		});

		it('conversion by route and churn by tier', async () => {
			const per = await q<{
				start_rank: number;
				route: string | null;
				fell: boolean;
				joined_before: boolean;
			}>(sql`
				select x.*, (
					select tc.route from tier_changes tc where tc.member_id = x.id
						and (tc.at at time zone ${TZ})::date between ${period.from}::date and ${period.last}::date
						and tc.to_rank > x.start_rank order by tc.at, tc.id limit 1) as route,
					exists (select 1 from tier_changes tc where tc.member_id = x.id
						and (tc.at at time zone ${TZ})::date between ${period.from}::date and ${period.last}::date
						and tc.to_rank < x.start_rank) as fell
				from (
					select u.id, (u.created_at at time zone ${TZ})::date < ${period.from}::date as joined_before,
						case when (u.created_at at time zone ${TZ})::date >= ${period.from}::date then 0
							else ${rankOn(sql`${period.from}::date - 1`)} end as start_rank
					from users u where ${fans} and (u.created_at at time zone ${TZ})::date <= ${period.last}::date
				) x`);
			for (const row of data.conversion) {
				const cohort = per.filter((p) => p.start_rank === row.fromRank);
				expect([row.cohort, row.earned, row.paid]).toEqual([
					cohort.length,
					cohort.filter((p) => p.route === 'earned').length,
					cohort.filter((p) => p.route === 'paid').length
				]);
			}
			for (const row of data.churn) {
				const cohort = per.filter((p) => p.joined_before && p.start_rank === row.rank);
				expect([row.cohort, row.left]).toEqual([cohort.length, cohort.filter((p) => p.fell).length]);
			}
			expect(data.conversion.reduce((s, c) => s + c.converted, 0)).toBeGreaterThan(0);
		});

		it('monthly cohorts count the entries into each tier per month', async () => {
			const expected = await q<{ rank: number; cohort: string; n: number }>(sql`
				select to_rank as rank, to_char(at at time zone ${TZ}, 'YYYY-MM') as cohort, count(distinct member_id)::int as n
				from tier_changes tc join users u on u.id = tc.member_id
				where ${fans} and to_rank > from_rank
					and (at at time zone ${TZ})::date between ${period.from}::date and ${period.last}::date
				group by 1, 2`);
			expect(
				data.cohorts
					.map((c) => ({ rank: c.rank, cohort: c.cohort, n: c.entered }))
					.sort((a, b) => a.rank - b.rank || a.cohort.localeCompare(b.cohort))
			).toEqual(expected.sort((a, b) => a.rank - b.rank || a.cohort.localeCompare(b.cohort)));
		});

		it('MRR, its movement and lifetime value', async () => {
			const mrrAt = async (day: string) =>
				(
					await q<{ mrr: number }>(sql`
						select coalesce(sum(mrr_after_minor), 0)::int as mrr from (
							select se.mrr_after_minor, row_number() over (
								partition by coalesce(se.stripe_subscription_id, se.member_id::text)
								order by se.occurred_at desc, se.id desc) as nth
							from subscription_events se join users u on u.id = se.member_id
							where ${fans} and (se.occurred_at at time zone ${TZ})::date < ${day}::date
						) x where nth = 1`)
				)[0].mrr;
			expect(data.mrr.opening).toBe(await mrrAt(period.from));
			expect(data.mrr.closing).toBe(await mrrAt(period.to));
			expect(data.mrr.series.at(-1)?.mrr).toBe(data.mrr.closing);
			const [moves] = await q<{ up_new: number; expansion: number; contraction: number; churn: number }>(sql`
				select
					coalesce(sum(mrr_after_minor) filter (where mrr_before_minor = 0), 0)::int as up_new,
					coalesce(sum(mrr_after_minor - mrr_before_minor) filter (where mrr_before_minor > 0 and mrr_after_minor > mrr_before_minor), 0)::int as expansion,
					coalesce(sum(mrr_before_minor - mrr_after_minor) filter (where mrr_after_minor > 0 and mrr_after_minor < mrr_before_minor), 0)::int as contraction,
					coalesce(sum(mrr_before_minor) filter (where mrr_before_minor > 0 and mrr_after_minor = 0), 0)::int as churn
				from subscription_events se join users u on u.id = se.member_id
				where ${fans} and (se.occurred_at at time zone ${TZ})::date between ${period.from}::date and ${period.last}::date`);
			expect(data.mrr.movement).toMatchObject({
				new: moves.up_new,
				expansion: moves.expansion,
				contraction: moves.contraction,
				churn: moves.churn
			});
			expect(data.mrr.opening + data.mrr.movement.net).toBe(data.mrr.closing);
			expect(data.mrr.closing).toBeGreaterThan(0);

			const revenue = await q<{ rank: number; revenue: number; payers: number }>(sql`
				select p.tier_rank as rank, sum(p.amount_minor)::int as revenue,
					(select count(*) from (select distinct q.member_id from payments q join users v on v.id = q.member_id
						where q.tier_rank = p.tier_rank and q.kind = 'payment' and v.role = 'fan'
							and v.id not in (select member_id from account_deletions)
							and (q.occurred_at at time zone ${TZ})::date <= ${period.last}::date) s)::int as payers
				from payments p join users u on u.id = p.member_id
				where ${fans} and (p.occurred_at at time zone ${TZ})::date <= ${period.last}::date
				group by p.tier_rank`);
			for (const row of data.ltv) {
				const r = revenue.find((x) => x.rank === row.rank);
				expect(row.revenueMinor).toBe(r?.revenue ?? 0);
				expect(row.toDateMinor).toBe(r && r.payers ? Math.round(r.revenue / r.payers) : null);
			}
			expect(revenue.length).toBeGreaterThan(0);
		});

		it('presale conversion and poll participation', async () => {
			const [presale] = await q<{ eligible: number; claimed: number; checked_in: number }>(sql`
				select
					(select count(*) from users u where ${fans}
						and (u.created_at at time zone ${TZ})::date <= (w.opens_at at time zone ${TZ})::date
						and ${rankOn(sql`(w.opens_at at time zone ${TZ})::date`)} >= w.min_rank)::int as eligible,
					(select count(*) from presale_claims c join users u on u.id = c.member_id
						where c.window_id = w.id and c.claimed_at is not null and ${fans})::int as claimed,
					(select count(*) from presale_claims c join users u on u.id = c.member_id
						where c.window_id = w.id and c.checked_in_at is not null and ${fans})::int as checked_in
				from presale_windows w where w.id = 1`);
			expect(data.presales).toHaveLength(1);
			expect(data.presales[0]).toMatchObject({
				eligible: presale.eligible,
				claimed: presale.claimed,
				checkedIn: presale.checked_in
			});
			const polls = await q<{ id: number; eligible: number; ballots: number }>(sql`
				select po.id,
					(select count(*) from users u where ${fans}
						and (u.created_at at time zone ${TZ})::date <= (po.opens_at at time zone ${TZ})::date
						and (jsonb_array_length(po.eligible_ranks) = 0
							or ${rankOn(sql`(po.opens_at at time zone ${TZ})::date`)} in (select jsonb_array_elements_text(po.eligible_ranks)::int)))::int as eligible,
					(select count(*) from poll_ballots b join users u on u.id = b.member_id where b.poll_id = po.id and ${fans})::int as ballots
				from polls po order by po.id`);
			expect(data.polls.map((p) => ({ id: p.id, eligible: p.eligible, ballots: p.ballots }))).toEqual(polls);
			expect(polls[1].ballots).toBeGreaterThan(0);
		});
	});
});
