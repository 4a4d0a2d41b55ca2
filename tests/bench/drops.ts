// The drops feed at scale, on a real Postgres: npm run bench:drops -- [flags]
//   1,000 drops (tiers, windows, pinned, over a year) and 100,000 members across the ladder, then
//   GET /drops for signed-in members at 10 connections through the built server: p50, p99, req/s.
// It creates its own database (encore_bench_<random>) from BENCH_POSTGRES_URL and drops it at the
// end unless --keep. The server is the build in --server-dir (default: this checkout's build/).
//
// Flags: --members 100000 --drops 1000 --entries-per-member 5 --sessions 300 --connections 10
//        --seconds 20 --port 4174 --server-dir <dir> --keep
//        --reuse <database> (one kept by an earlier --keep run: skips generating, never dropped)
//        --also /me (more paths to measure the same way, for comparisons)
// BENCH_NODE_ARGS adds Node flags to the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createSession, generateSessionToken, SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { config } from '../../src/lib/server/config';
import { openPostgres, type DatabaseHandle } from '../../src/lib/server/db/connect';
import { seedEssentials } from '../../src/lib/server/setup';
import { dayKey } from '../../src/lib/server/loyalty/earning';
import { load, type LoadResult } from './http-load';
import { dropsSql, memberTiersSql } from './fans';
import { memberIdSql } from './ledger';
import { int, percentile, say, startServer, stopServer, timed, wholeNumber } from './common';

const { values: flags } = parseArgs({
	options: {
		members: { type: 'string', default: '100000' },
		drops: { type: 'string', default: '1000' },
		'entries-per-member': { type: 'string', default: '5' },
		sessions: { type: 'string', default: '300' },
		connections: { type: 'string', default: '10' },
		seconds: { type: 'string', default: '20' },
		port: { type: 'string', default: '4174' },
		'server-dir': { type: 'string' },
		keep: { type: 'boolean', default: false },
		reuse: { type: 'string' },
		also: { type: 'string', multiple: true, default: [] }
	}
});

const count = (name: keyof typeof flags, min: number, max: number) =>
	wholeNumber(flags[name], name, min, max);

const MEMBERS = count('members', 10, 1_000_000);
const DROPS = count('drops', 1, 100_000);
const ENTRIES = count('entries-per-member', 0, 100);
const SESSIONS = Math.min(count('sessions', 1, 10_000), MEMBERS);
const CONNECTIONS = count('connections', 1, 100);
const SECONDS = count('seconds', 1, 120);
const PORT = count('port', 1024, 65535);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ORIGIN = `http://127.0.0.1:${PORT}`;
const SERVER_DIR = path.resolve(flags['server-dir'] ?? process.cwd());

/** Members across the ladder (most Listeners, a few patrons), a light ledger, and the drops. */
async function generate(url: string): Promise<void> {
	const db = postgres(url, { max: 1, onnotice: () => {} });
	try {
		await timed(`${int(MEMBERS)} members with tiers`, async () => {
			await db.unsafe(`
				insert into users (id, email, display_name, password_hash, email_verified_at)
				select ${memberIdSql('n')}, 'fan' || n || '@bench.example', 'Fan ' || n, 'x', now()
				from generate_series(1, ${MEMBERS}) n`);
			await db.unsafe(memberTiersSql(MEMBERS));
		});
		if (ENTRIES > 0)
			await timed(`${int(MEMBERS * ENTRIES)} ledger entries`, () =>
				db.unsafe(`
					insert into engagements (member_id, kind, object, points, occurred_at, day, source, idempotency_key, payload_hash)
					select ${memberIdSql('m')}, 'daily_visit', null, 5, at,
						to_char(at at time zone '${config.houseTimeZone}', 'YYYY-MM-DD'), 'portal', 'bench:' || m || ':' || k, md5(m || ':' || k)
					from (
						select m, k, now() - interval '360 days' * random() as at
						from generate_series(1, ${MEMBERS}) m, generate_series(1, ${ENTRIES}) k
					) g`)
			);
		await timed(`${int(DROPS)} drops`, () => db.unsafe(dropsSql(DROPS)));
		await timed('vacuum analyze', () => db.unsafe('vacuum analyze users, member_tiers, engagements, drops'));
	} finally {
		await db.end({ timeout: 5 });
	}
}

/** GET `path` for the sessions at `CONNECTIONS` connections for `SECONDS` seconds. */
function loadPath(
	path: string,
	sessions: { token: string; visit: string }[],
	serverPid?: number,
	database = ''
) {
	return load({
		url: `${ORIGIN}${path}`,
		// The daily-visit cookie a browser would carry: the feed is measured, not the first visit of the day.
		cookie: (i) =>
			`${SESSION_COOKIE}=${sessions[i % sessions.length].token}; ${sessions[i % sessions.length].visit}`,
		connections: CONNECTIONS,
		seconds: SECONDS,
		serverPid,
		database
	});
}

async function main(): Promise<void> {
	const reuse = flags.reuse;
	const name = reuse ?? `encore_bench_${randomBytes(4).toString('hex')}`;
	const url = new URL(ADMIN_URL);
	url.pathname = `/${name}`;
	const benchUrl = url.toString();
	const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
	let handle: DatabaseHandle | undefined;
	let server: ChildProcess | undefined;
	try {
		if (!reuse) await admin.unsafe(`create database "${name}"`);
		handle = await openPostgres(benchUrl);
		await handle.migrate(config.migrationsDir);
		if (!reuse) {
			await seedEssentials(handle.db);
			await generate(benchUrl);
		}

		const sessions: { token: string; visit: string }[] = [];
		const day = dayKey(new Date(), config.houseTimeZone);
		const picked = new Set<number>();
		while (picked.size < SESSIONS) picked.add(1 + Math.floor(Math.random() * MEMBERS));
		const lookup = postgres(benchUrl, { max: 1 });
		const ids = await lookup<
			{ id: string }[]
		>`select ${lookup.unsafe(memberIdSql('n'))}::text as id from unnest(${[...picked]}::int[]) n`;
		// An open client keeps the process alive after the summary.
		await lookup.end();
		for (const { id } of ids) {
			const token = generateSessionToken();
			await createSession(handle.db, token, id, 'encore-bench');
			sessions.push({ token, visit: `encore_visit=${id.slice(0, 8)}:${day}` });
		}
		server = (await timed('server started', () => startServer(SERVER_DIR, benchUrl, PORT))).value;
		// Warm-up: connection pools, JIT, the first visit marks.
		await loadPath('/drops', sessions.slice(0, Math.min(20, sessions.length))).catch(() => undefined);
		const feed = await loadPath('/drops', sessions, server.pid, name);
		const data = await loadPath('/drops/__data.json', sessions, server.pid, name);
		const others: [string, LoadResult][] = [];
		for (const extra of flags.also ?? [])
			others.push([extra, await loadPath(extra, sessions, server.pid, name)]);
		const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
		const line = (label: string, r: LoadResult) => {
			const sorted = [...r.latencies].sort((a, b) => a - b);
			const p99 = percentile(sorted, 99);
			return `  ${label.padEnd(20)} ${int(sorted.length)} requests, ${int(sorted.length / (r.ms / 1000))} req/s, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${int(r.bytes / Math.max(1, sorted.length))} B each; CPU per request: server ${(r.cpu.server / sorted.length).toFixed(1)} ms, Postgres ${(r.cpu.postgres / sorted.length).toFixed(1)} ms; errors ${JSON.stringify(Object.fromEntries(r.errors))}   target p99 ≤ 50 ms: ${verdict(p99 <= 50)}`;
		};
		console.log(`
Summary (${int(MEMBERS)} members, ${int(DROPS)} drops, ${CONNECTIONS} connections, ${SECONDS} s each, load average ${loadavg()[0].toFixed(1)})
${line('GET /drops', feed)}
${line('GET /drops/__data', data)}
${others.map(([p, r]) => line(`GET ${p}`, r)).join('\n')}
`);
	} finally {
		await stopServer(server);
		await handle?.close();
		if (flags.keep || reuse) say(`kept the database ${name} (--reuse ${name})`);
		else {
			await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
			await admin.unsafe(`drop database if exists "${name}"`);
		}
		await admin.end({ timeout: 5 });
	}
}

await main();
