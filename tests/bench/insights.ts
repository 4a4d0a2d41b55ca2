// Insights at scale, on a real Postgres: npm run bench:insights -- [flags]
//   (0) a generated history (default 100,000 members, 12 months: 5 million ledger entries, tier
//       changes, subscription events and payments), generated with set-based SQL;
//   (1) the daily rollups rebuilt from it (npm run insights:rebuild's work), and one increment;
//   (2) /staff/insights rendered by the built server for a signed-in staff member, for several
//       periods: p50 / p99 over --requests each (target: ≤ 1 s).
// It creates its own database (encore_bench_<random>) from BENCH_POSTGRES_URL and drops it at the
// end unless --keep. Traffic goes to 127.0.0.1 only.
//
// Flags: --members 100000 --rows-per-member 50 --requests 20 --port 4174 --keep
//        --database <name>   reuse a database kept by an earlier run (--keep): no generation, no rebuild
//        --server-dir <dir with a built app>   (default: copy this repo to /tmp/bench-insights and build it)
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createSession, generateSessionToken, SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { config } from '../../src/lib/server/config';
import { openPostgres, redactUrl, type DatabaseHandle } from '../../src/lib/server/db/connect';
import { seedEssentials } from '../../src/lib/server/setup';
import { lastRun, rebuildRollups, runInsightsDueWork } from '../../src/lib/server/insights/rollup';
import {
	buildServer,
	int,
	percentile,
	say,
	seconds,
	startServer,
	stopServer,
	timed,
	wholeNumber
} from './common';
import { bulkLoadLedger } from './ledger';

const { values: flags } = parseArgs({
	options: {
		members: { type: 'string', default: '100000' },
		'rows-per-member': { type: 'string', default: '50' },
		requests: { type: 'string', default: '20' },
		port: { type: 'string', default: '4174' },
		'server-dir': { type: 'string' },
		keep: { type: 'boolean', default: false },
		database: { type: 'string' }
	}
});

const count = (name: keyof typeof flags, min: number, max: number) =>
	wholeNumber(flags[name], name, min, max);

const MEMBERS = count('members', 10, 1_000_000);
const ROWS_PER_MEMBER = count('rows-per-member', 1, 500);
const REQUESTS = count('requests', 1, 1000);
const PORT = count('port', 1024, 65535);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ORIGIN = `http://127.0.0.1:${PORT}`;
const REPO = process.cwd();
const TZ = config.houseTimeZone;

// ---------------------------------------------------------------------------------------------
// (0) The generated history. Pseudo-random but repeatable: hashes of the member number.

const memberIdSql = (n: string) => `md5('encore-insights-' || ${n})::uuid`;
/** A uniform number in [0, 1) from a hash of `g` and a seed. */
const u = (g: string, seed: number) =>
	`((hashint8extended(${g}, ${seed}) & 2147483647)::float8 / 2147483648)`;

/** Ledger entries over the last 12 months in time order, skewed (few superfans, many occasional). */
function ledgerChunkSql(from: number, to: number, total: number): string {
	return `
		insert into engagements
			(member_id, kind, object, points, occurred_at, recorded_at, day, source, idempotency_key, payload_hash)
		select ${memberIdSql('m')}, kind, object, points, at, at,
			to_char(at at time zone '${TZ}', 'YYYY-MM-DD'), 'portal', 'bench:' || g, md5(g::text)
		from (
			select g, m, at, r, h,
				case when r < 0.55 then 'daily_visit' when r < 0.72 then 'drop_opened' when r < 0.80 then 'poll_vote'
					when r < 0.85 then 'venue_checkin' when r < 0.88 then 'presale_claim' when r < 0.91 then 'idea_submitted'
					when r < 0.99 then 'patronage' when r < 0.995 then 'referral' else 'birthday' end as kind,
				case when r < 0.55 then null when r < 0.72 then 'drop:' || (1 + h % 300) when r < 0.80 then 'poll:' || h % 200
					when r < 0.85 then 'event:' || h % 150 when r < 0.88 then 'presale:' || h % 100
					when r < 0.91 then 'idea:' || g when r < 0.99 then 'invoice:' || g
					when r < 0.995 then 'friend:' || g else 'birthday:' || m end as object,
				case when r < 0.55 then 5 when r < 0.72 then 2 when r < 0.80 then 20 when r < 0.85 then 100
					when r < 0.88 then 50 when r < 0.91 then 15 when r < 0.99 then 5 + h % 96
					when r < 0.995 then 150 else 50 end as points
			from (
				select g,
					1 + least(${MEMBERS - 1}, floor(${MEMBERS} * power(${u('g', 1)}, 1.6))::int) as m,
					${u('g', 2)} as r,
					(hashint8extended(g, 3) & 2147483647) as h,
					now() - interval '364 days' + interval '364 days' * (g::float8 / ${total}) - interval '1 hour' * ${u('g', 4)} as at
				from generate_series(${from}::int8, ${to}::int8) g
			) raw
		) e`;
}

/** Monthly price of each paid rank in minor units (a fifth of patrons pay yearly: ÷ 12). */
const priceSql = (rank: string, yearly: string) =>
	`(case ${rank} when 2 then 500 when 3 then 1500 when 4 then 5000 else 0 end) * (case when ${yearly} then 10 else 12 end) / 12`;

async function generate(url: string): Promise<void> {
	const db = postgres(url, {
		max: 2,
		onnotice: () => {},
		connection: { maintenance_work_mem: '512MB', work_mem: '64MB' }
	});
	try {
		await timed(`${int(MEMBERS)} members (sign-ups over the last 15 months)`, async () => {
			await db.unsafe(`
				insert into users (id, email, display_name, password_hash, email_verified_at, created_at)
				select ${memberIdSql('n')}, 'fan' || n || '@bench.example', 'Fan ' || n, 'x', now(),
					now() - interval '450 days' + interval '449 days' * ${u('n', 10)}
				from generate_series(1, ${MEMBERS}) n`);
			await db.unsafe(`
				insert into drops (id, slug, title, min_rank, status, publish_at)
				select d, 'bench-drop-' || d, 'Drop ' || d, d % 5, 'published', now() - interval '1 day' * (d + 1)
				from generate_series(1, 300) d`);
		});

		// Each member climbs to a peak tier (most stay Listener or Fan), some by paying, and a quarter
		// of those above Listener fall back one tier near the end.
		await timed('tier changes', async () => {
			await db.unsafe(`
				with members as (
					select n, ${memberIdSql('n')} as id, u.created_at,
						case when ${u('n', 11)} < 0.35 then 0 when ${u('n', 11)} < 0.75 then 1 when ${u('n', 11)} < 0.88 then 2
							when ${u('n', 11)} < 0.96 then 3 else 4 end as peak,
						${u('n', 12)} < 0.25 as falls
					from generate_series(1, ${MEMBERS}) n join users u on u.id = ${memberIdSql('n')}
				),
				steps as (
					select m.*, k,
						m.created_at + (now() - m.created_at) * (k::float8 / (m.peak + 1.5)) as at
					from members m cross join lateral generate_series(1, m.peak) k
				)
				insert into tier_changes (member_id, from_rank, to_rank, route, at)
				select id, k - 1, k,
					case when k = 1 then 'earned' when k = 2 and ${u('n', 13)} < 0.6 then 'earned'
						when k = 4 and ${u('n', 14)} < 0.3 then 'earned' else 'paid' end,
					at
				from steps
				union all
				select id, peak, peak - 1, 'earned', created_at + (now() - created_at) * ((peak + 0.7) / (peak + 1.5))
				from members where falls and peak > 0`);
		});

		await timed('subscription events (started, upgraded, ended) and payments', async () => {
			await db.unsafe(`
				with paid as (
					select tc.member_id, tc.from_rank, tc.to_rank, tc.at,
						${priceSql('tc.to_rank', `hashint8extended(tc.id, 15) % 5 = 0`)} as mrr
					from tier_changes tc where tc.route = 'paid'
				),
				chain as (
					select p.*, coalesce(lag(mrr) over (partition by member_id order by at), 0) as before from paid p
				)
				insert into subscription_events (member_id, stripe_subscription_id, kind, from_rank, to_rank, status,
					mrr_before_minor, mrr_after_minor, mrr_delta_minor, currency, occurred_at)
				select member_id, 'sub_' || member_id, case when before = 0 then 'started' else 'upgraded' end,
					from_rank, to_rank, 'active', before, mrr, mrr - before, 'eur', at
				from chain`);
			// Falling back below a paid tier ends the subscription.
			await db.unsafe(`
				insert into subscription_events (member_id, stripe_subscription_id, kind, from_rank, to_rank, status,
					mrr_before_minor, mrr_after_minor, mrr_delta_minor, currency, occurred_at)
				select tc.member_id, last.stripe_subscription_id, 'ended', tc.from_rank, null, 'canceled',
					last.mrr_after_minor, 0, -last.mrr_after_minor, 'eur', tc.at
				from tier_changes tc
				join lateral (
					select se.stripe_subscription_id, se.mrr_after_minor from subscription_events se
					where se.member_id = tc.member_id and se.occurred_at < tc.at order by se.occurred_at desc limit 1
				) last on true
				where tc.to_rank < tc.from_rank and last.mrr_after_minor > 0`);
			// A payment each month (or the year up front) while the subscription runs, and a few refunds.
			await db.unsafe(`
				with spans as (
					select se.member_id, se.to_rank, se.mrr_after_minor as mrr, se.occurred_at as s,
						coalesce(lead(se.occurred_at) over (partition by se.member_id order by se.occurred_at, se.id), now()) as e
					from subscription_events se
				)
				insert into payments (member_id, external_id, kind, tier_rank, amount_minor, currency, occurred_at)
				select member_id, 'invoice:' || member_id || ':' || extract(epoch from at)::bigint, 'payment', to_rank, mrr, 'eur', at
				from spans cross join lateral generate_series(s, e - interval '1 second', interval '1 month') at
				where mrr > 0`);
			await db.unsafe(`
				insert into payments (member_id, external_id, kind, tier_rank, amount_minor, currency, occurred_at)
				select member_id, 'refund:' || id, 'refund', tier_rank, -amount_minor, currency, occurred_at + interval '3 days'
				from payments where id % 50 = 0`);
		});

		const total = MEMBERS * ROWS_PER_MEMBER;
		await bulkLoadLedger(db, total, (from, to) => ledgerChunkSql(from, to, total));
		await timed('vacuum analyze', () =>
			db.unsafe('vacuum analyze users, engagements, tier_changes, subscription_events, payments, drops')
		);
		const [sizes] = await db<{ ledger: number; changes: number; events: number; payments: number }[]>`
			select (select count(*) from engagements)::int as ledger, (select count(*) from tier_changes)::int as changes,
				(select count(*) from subscription_events)::int as events, (select count(*) from payments)::int as payments`;
		say(
			`  ${int(sizes.ledger)} ledger entries, ${int(sizes.changes)} tier changes, ` +
				`${int(sizes.events)} subscription events, ${int(sizes.payments)} payments`
		);
	} finally {
		await db.end({ timeout: 5 });
	}
}

// ---------------------------------------------------------------------------------------------
// The server (as in tests/bench/loyalty.ts)

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const reuse = flags.database;
	if (reuse !== undefined && !/^encore_bench_[0-9a-f]{8}$/.test(reuse))
		throw new Error('--database takes a kept encore_bench_… name');
	const name = reuse ?? `encore_bench_${randomBytes(4).toString('hex')}`;
	const url = new URL(ADMIN_URL);
	url.pathname = `/${name}`;
	const benchUrl = url.toString();
	const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
	let handle: DatabaseHandle | undefined;
	let server: ChildProcess | undefined;
	const stop = () => {
		server?.kill('SIGKILL');
		console.error(`interrupted: the database ${name} is left behind (drop database "${name}")`);
		process.exit(130);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);

	say(
		`database ${redactUrl(benchUrl)}: ${int(MEMBERS)} members × ${ROWS_PER_MEMBER} entries; ${REQUESTS} requests per period`
	);
	if (!reuse) await admin.unsafe(`create database "${name}"`);
	try {
		handle = await openPostgres(benchUrl, { max: 4 });
		await handle.migrate(path.join(REPO, 'drizzle'));
		await seedEssentials(handle.db);

		say('(0) generating the history');
		const generation = reuse ? { ms: NaN } : await timed('generation', () => generate(benchUrl));

		say('(1) rollups');
		const kept = reuse ? await lastRun(handle.db) : null;
		const rebuild = kept
			? { ms: NaN, value: { firstDay: kept.firstDay, lastDay: kept.lastDay, days: NaN } }
			: await timed('rollup rebuild (every day from the first sign-up)', () => rebuildRollups(handle!.db));
		say(`  ${int(rebuild.value.days)} days from ${rebuild.value.firstDay} to ${rebuild.value.lastDay}`);
		const increment = await timed('rollup increment (yesterday and today: the due work)', () =>
			runInsightsDueWork(handle!.db, new Date())
		);

		say('(2) /staff/insights');
		const build = await timed('server build (vite build in a copy)', async () =>
			buildServer(REPO, '/tmp/bench-insights', flags['server-dir'])
		);
		server = (await timed('server start', () => startServer(build.value, benchUrl, PORT))).value;
		const sql = postgres(benchUrl, { max: 1, onnotice: () => {} });
		const [staff] = await sql<{ id: string }[]>`
			insert into users (email, display_name, password_hash, role) values ('staff@bench.example', 'Bench staff', 'x', 'staff')
			on conflict ((lower(email))) do update set role = 'staff'
			returning id`;
		await sql.end();
		const token = generateSessionToken();
		await createSession(handle.db, token, staff.id, 'encore-bench');
		await admin`checkpoint`;

		const periods = [
			'range=30',
			'range=90',
			'range=365',
			`range=custom&from=${rebuild.value.firstDay}&to=${rebuild.value.lastDay}`
		];
		const results: { period: string; p50: number; p99: number; max: number; bytes: number }[] = [];
		for (const period of periods) {
			const get = async () => {
				const started = performance.now();
				const response = await fetch(`${ORIGIN}/staff/insights?${period}`, {
					headers: { cookie: `${SESSION_COOKIE}=${token}` },
					signal: AbortSignal.timeout(60_000)
				});
				const body = await response.text();
				if (response.status !== 200) throw new Error(`/staff/insights?${period} answered ${response.status}`);
				return { ms: performance.now() - started, bytes: body.length };
			};
			await get(); // warm-up: the first request compiles the route's queries
			const times: number[] = [];
			let bytes = 0;
			for (let i = 0; i < REQUESTS; i++) {
				const r = await get();
				times.push(r.ms);
				bytes = r.bytes;
			}
			times.sort((a, b) => a - b);
			const row = {
				period,
				p50: percentile(times, 50),
				p99: percentile(times, 99),
				max: times.at(-1)!,
				bytes
			};
			results.push(row);
			say(
				`  ?${period}: p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms, max ${row.max.toFixed(0)} ms, ${int(bytes / 1024)} KiB`
			);
		}
		const csv = performance.now();
		const csvResponse = await fetch(`${ORIGIN}/staff/insights/members.csv?range=365`, {
			headers: { cookie: `${SESSION_COOKIE}=${token}` }
		});
		await csvResponse.text();
		const csvMs = performance.now() - csv;

		const worst = Math.max(...results.map((r) => r.p99));
		console.log(`
Summary (${int(MEMBERS)} members, ${int(MEMBERS * ROWS_PER_MEMBER)} generated ledger entries)
  generation                 ${seconds(generation.ms)}
  rollup rebuild             ${seconds(rebuild.ms)} (${int(rebuild.value.days)} days)
  rollup increment           ${seconds(increment.ms)}
${results.map((r) => `  /staff/insights?${r.period.padEnd(40)} p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms`).join('\n')}
  members CSV (365 days)     ${csvMs.toFixed(0)} ms
  worst p99                  ${worst.toFixed(0)} ms   target ≤ 1,000 ms: ${worst <= 1000 ? 'met' : 'MISSED'}
`);
	} finally {
		await stopServer(server);
		await handle?.close();
		if (flags.keep || reuse) {
			say(`kept ${redactUrl(benchUrl)}`);
		} else {
			await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
			await admin.unsafe(`drop database if exists "${name}"`);
			say(`dropped ${name}`);
		}
		await admin.end({ timeout: 5 });
	}
}

main().catch((err) => {
	console.error(err instanceof Error ? (err.stack ?? err.message) : err);
	process.exit(1);
});
