// The members directory at scale, on a real Postgres: npm run bench:members -- [flags]
//   (0) generated members (default 100,000) and ledger (default 50 entries each: 5 million), tiers
//       set from the points, a few paid, unverified, staff and erased; the member_activity
//       summary refreshed (timed: it is the scheduled job);
//   (1) /staff/members through the built server for typical filters: p50 / p99 over --requests each,
//       one request at a time (what one member of staff waits), and one CSV export of a filter.
// It creates its own database (encore_bench_<random>) from BENCH_POSTGRES_URL and drops it at
// the end unless --keep. The ledger generation is tests/bench/ledger.ts's, shared with loyalty.ts.
//
// Flags: --members 100000 --rows-per-member 50 --requests 40 --port 4392 --keep
//        --server-dir <dir with a built app>   (default: copy this repo to /tmp/bench-members-work and build it)
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createSession, generateSessionToken, SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { openPostgres, redactUrl, type DatabaseHandle } from '../../src/lib/server/db/connect';
import { seedEssentials } from '../../src/lib/server/setup';
import { refreshMemberActivity } from '../../src/lib/server/members/activity';
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
import { generateLedger } from './ledger';

const { values: flags } = parseArgs({
	options: {
		members: { type: 'string', default: '100000' },
		'rows-per-member': { type: 'string', default: '50' },
		requests: { type: 'string', default: '40' },
		port: { type: 'string', default: '4392' },
		'server-dir': { type: 'string' },
		keep: { type: 'boolean', default: false }
	}
});

const count = (name: keyof typeof flags, min: number, max: number) =>
	wholeNumber(flags[name], name, min, max);

const MEMBERS = count('members', 10, 1_000_000);
const ROWS_PER_MEMBER = count('rows-per-member', 1, 500);
const REQUESTS = count('requests', 1, 10_000);
const PORT = count('port', 1024, 65535);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ORIGIN = `http://127.0.0.1:${PORT}`;
const REPO = process.cwd();

// ---------------------------------------------------------------------------------------------
// (0) Generated members and ledger (from tests/bench/loyalty.ts)

/**
 * The members' standing, set-based: the earned tier from the summary's 12-month points and the
 * ladder's thresholds (what the engine would compute for a ledger without holds), 3% paying for
 * rank 3, 2% unverified, 20 staff, 0.5% erased.
 */
async function shapeMembers(url: string): Promise<void> {
	const db = postgres(url, { max: 1, onnotice: () => {} });
	try {
		await db.unsafe(`
			insert into member_tiers (member_id, earned_rank, rank, paid_rank, paid_until, reached_at)
			select a.member_id, e.rank,
				case when hashint4(hashtext(a.member_id::text)) % 100 < 3 then greatest(e.rank, 3) else e.rank end,
				case when hashint4(hashtext(a.member_id::text)) % 100 < 3 then 3 end,
				case when hashint4(hashtext(a.member_id::text)) % 100 < 3 then now() + interval '20 days' end,
				now() - interval '30 days'
			from member_activity a
			cross join lateral (
				select coalesce(max(t.rank), 0) as rank from tiers t
				where t.points_threshold is not null and t.points_threshold <= a.points_12m
			) e
			on conflict (member_id) do nothing`);
		await db.unsafe(`update users set email_verified_at = null where abs(hashtext(id::text)) % 100 < 2`);
		await db.unsafe(
			`update users set role = 'staff' where email in (select 'fan' || n || '@bench.example' from generate_series(1, 20) n)`
		);
		await db.unsafe(`
			insert into account_deletions (member_id, reason)
			select id, 'member' from users where email like '%@bench.example' and abs(hashtext(id::text || 'x')) % 1000 < 5`);
		await db.unsafe('vacuum analyze users, member_tiers, member_activity, account_deletions');
	} finally {
		await db.end({ timeout: 5 });
	}
}

// ---------------------------------------------------------------------------------------------
// (1) The directory over HTTP

const SCENARIOS: [string, string][] = [
	['every member, by points', ''],
	['search a name (partial)', 'q=Fan 4242'],
	['search an email (partial, case)', 'q=FAN77@BENCH'],
	['tier filter (Insider), by points', 'tiers=2'],
	['paid route, by last activity', 'route=paid&sort=activity'],
	['active in 30 days, by tenure', 'status=active&sort=tenure'],
	['dormant, newest first', 'status=dormant&sort=newest'],
	['segment: tiers 3–4, ≥ 500 points, ≥ 5 engagements', 'tiers=3&tiers=4&minPoints=500&minEngagements90=5'],
	['segment: checked in at a show, by points', 'hasAttended=yes'],
	['page 200 (the deepest) of every member', 'page=200']
];

async function measure(cookie: string, query: string): Promise<{ sorted: number[]; status: Set<number> }> {
	const url = `${ORIGIN}/staff/members${query ? `?${query.replace(/ /g, '+')}` : ''}`;
	const times: number[] = [];
	const status = new Set<number>();
	for (let i = 0; i < REQUESTS + 2; i++) {
		const started = performance.now();
		const response = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(30_000) });
		await response.arrayBuffer();
		status.add(response.status);
		// The first two warm the connection and the plan caches.
		if (i >= 2) times.push(performance.now() - started);
	}
	return { sorted: times.sort((a, b) => a - b), status };
}

// ---------------------------------------------------------------------------------------------
// The server (from tests/bench/loyalty.ts)

async function main(): Promise<void> {
	const name = `encore_bench_${randomBytes(4).toString('hex')}`;
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
		`database ${redactUrl(benchUrl)}: ${int(MEMBERS)} members × ${ROWS_PER_MEMBER} entries; ${REQUESTS} requests per filter`
	);
	await admin.unsafe(`create database "${name}"`);
	try {
		handle = await openPostgres(benchUrl, { max: 4 });
		await handle.migrate(path.join(REPO, 'drizzle'));
		await seedEssentials(handle.db);

		say('(0) generating members and the ledger');
		const generation = await timed('generation', () => generateLedger(benchUrl, MEMBERS, ROWS_PER_MEMBER));
		const refresh = await timed('member_activity refresh (the scheduled job, whole ledger)', () =>
			refreshMemberActivity(handle!.db)
		);
		say(`  ${int(refresh.value)} summary rows`);
		await timed('tiers, paid, unverified, staff and erased members', () => shapeMembers(benchUrl));
		const again = await timed('member_activity refresh again (steady state)', () =>
			refreshMemberActivity(handle!.db)
		);
		const sql = postgres(benchUrl, { max: 1, onnotice: () => {} });
		const tiersHeld = await sql<{ rank: number; n: number }[]>`
			select rank, count(*)::int as n from member_tiers group by rank order by rank`;
		const [{ rows }] = await sql<{ rows: string }[]>`select count(*)::text as rows from engagements`;
		await sql.end();
		say(
			`  members per tier: ${tiersHeld.map((t) => `${t.rank}: ${int(t.n)}`).join(', ')}; ${int(Number(rows))} ledger rows`
		);

		// A staff member to sign in as (one of the generated ones).
		const client = postgres(benchUrl, { max: 1, onnotice: () => {} });
		const [staff] = await client<{ id: string }[]>`select id from users where role = 'staff' limit 1`;
		await client.end();
		const token = generateSessionToken();
		await createSession(handle.db, token, staff.id, 'encore-bench');
		const cookie = `${SESSION_COOKIE}=${token}`;

		say('(1) /staff/members over HTTP');
		const dir = (
			await timed('server build', async () =>
				buildServer(REPO, '/tmp/bench-members-work', flags['server-dir'])
			)
		).value;
		server = (await timed('server start', () => startServer(dir, benchUrl, PORT))).value;
		const results: { label: string; p50: number; p99: number; max: number }[] = [];
		for (const [label, query] of SCENARIOS) {
			const { sorted, status } = await measure(cookie, query);
			if (status.size !== 1 || !status.has(200))
				throw new Error(`${label}: statuses ${[...status].join(', ')}`);
			const r = { label, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)! };
			results.push(r);
			say(
				`  ${label.padEnd(52)} p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms`
			);
		}
		const exportRun = await timed('CSV export of tier 2 (streamed)', async () => {
			const response = await fetch(`${ORIGIN}/staff/members/export.csv?tiers=2`, { headers: { cookie } });
			const text = await response.text();
			return { status: response.status, lines: text.split('\r\n').length - 2, bytes: text.length };
		});
		say(
			`  ${exportRun.value.status}: ${int(exportRun.value.lines)} members, ${int(exportRun.value.bytes / 1024)} KiB`
		);

		const worst = Math.max(...results.map((r) => r.p99));
		console.log(`
Summary (${int(MEMBERS)} members, ${int(Number(rows))} ledger rows, ${REQUESTS} requests per filter, one at a time)
  generation                      ${seconds(generation.ms)}
  summary refresh (job)           ${seconds(refresh.ms)} first, ${seconds(again.ms)} again
${results.map((r) => `  ${r.label.padEnd(52)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms`).join('\n')}
  worst p99 ${worst.toFixed(1)} ms: target ≤ 300 ms ${worst <= 300 ? 'met' : 'MISSED'}
  CSV export (tier 2)             ${seconds(exportRun.ms)} for ${int(exportRun.value.lines)} rows
  load average at the end         ${loadavg()[0].toFixed(1)} (2 cores, shared)
`);
	} finally {
		await stopServer(server);
		await handle?.close();
		if (flags.keep) {
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
