// Fan pages against the framework's own speed, on a real Postgres: npm run bench:pages -- [flags]
//   100,000 members, 5 million ledger rows, 1,000 drops; then, interleaved in rounds at 10
//   connections: a bare SvelteKit page with no data and one with one Postgres query (tests/bench/
//   bare-app.ts, built with this checkout's kit, adapter and postgres.js), Encore's landing page,
//   /me with and without the visit cookie, /drops, /polls and /tickets; req/s, p50, p99, bytes and
//   CPU per request, and the ratios the targets are written in. Every client accepts brotli and
//   gzip, as browsers do, so the bytes are the ones on the wire.
// It creates its own database (encore_bench_<random>) from BENCH_POSTGRES_URL and drops it at the
// end unless --keep. Encore is the build in --server-dir (default: this checkout's build/).
//
// Flags: --members 100000 --entries-per-member 50 --drops 1000 --sessions 300 --connections 10
//        --seconds 5 (each page, each round) --rounds 3 --port 4175 --bare-port 4176
//        --bare-dir /tmp/encore-bench-bare (built once, kept) --server-dir <dir> --keep
//        --reuse <database> (one kept by an earlier --keep run: skips generating, never dropped)
//        --only /me (measure only the pages whose label contains it, for profiling; no ratios)
// BENCH_NODE_ARGS adds Node flags to Encore's server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createSession, generateSessionToken, SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { config } from '../../src/lib/server/config';
import { openPostgres, type DatabaseHandle } from '../../src/lib/server/db/connect';
import { dayKey } from '../../src/lib/server/loyalty/earning';
import { seedEssentials } from '../../src/lib/server/setup';
import { buildBareApp } from './bare-app';
import { int, say, startServer, stopServer, timed, wholeNumber } from './common';
import { dropsSql, memberTiersSql } from './fans';
import { combine, describe, figures, load, type LoadResult } from './http-load';
import { generateLedger, memberIdSql } from './ledger';

const { values: flags } = parseArgs({
	options: {
		members: { type: 'string', default: '100000' },
		'entries-per-member': { type: 'string', default: '50' },
		drops: { type: 'string', default: '1000' },
		sessions: { type: 'string', default: '300' },
		connections: { type: 'string', default: '10' },
		seconds: { type: 'string', default: '5' },
		rounds: { type: 'string', default: '3' },
		port: { type: 'string', default: '4175' },
		'bare-port': { type: 'string', default: '4176' },
		'bare-dir': { type: 'string', default: '/tmp/encore-bench-bare' },
		'server-dir': { type: 'string' },
		keep: { type: 'boolean', default: false },
		reuse: { type: 'string' },
		only: { type: 'string', multiple: true, default: [] }
	}
});

const count = (name: keyof typeof flags, min: number, max: number) =>
	wholeNumber(flags[name], name, min, max);
const MEMBERS = count('members', 10, 1_000_000);
const ENTRIES = count('entries-per-member', 0, 200);
const DROPS = count('drops', 1, 100_000);
const SESSIONS = Math.min(count('sessions', 1, 10_000), MEMBERS);
const CONNECTIONS = count('connections', 1, 100);
const SECONDS = count('seconds', 1, 120);
const ROUNDS = count('rounds', 1, 20);
const PORT = count('port', 1024, 65535);
const BARE_PORT = count('bare-port', 1024, 65535);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REPO = path.resolve(import.meta.dirname, '../..');
const SERVER_DIR = path.resolve(flags['server-dir'] ?? process.cwd());
const BROWSER_ENCODING = 'gzip, deflate, br';

interface Page {
	label: string;
	url: string;
	cookie?: (i: number) => string | undefined;
	pid: () => number | undefined;
}

async function generate(url: string): Promise<void> {
	await generateLedger(url, MEMBERS, ENTRIES);
	const db = postgres(url, { max: 1, onnotice: () => {} });
	try {
		await timed(`${int(MEMBERS)} tier rows`, () => db.unsafe(memberTiersSql(MEMBERS)));
		await timed(`${int(DROPS)} drops`, () => db.unsafe(dropsSql(DROPS)));
		await timed('vacuum analyze', () => db.unsafe('vacuum analyze member_tiers, drops'));
	} finally {
		await db.end({ timeout: 5 });
	}
}

async function main(): Promise<void> {
	const reuse = flags.reuse;
	const name = reuse ?? `encore_bench_${randomBytes(4).toString('hex')}`;
	const url = new URL(ADMIN_URL);
	url.pathname = `/${name}`;
	const benchUrl = url.toString();
	const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
	let handle: DatabaseHandle | undefined;
	let encore: ChildProcess | undefined;
	let bare: ChildProcess | undefined;
	try {
		const bareDir = (
			await timed('bare SvelteKit app built', async () => buildBareApp(REPO, flags['bare-dir']!))
		).value;
		if (!reuse) await admin.unsafe(`create database "${name}"`);
		handle = await openPostgres(benchUrl);
		await handle.migrate(config.migrationsDir);
		if (!reuse) {
			await seedEssentials(handle.db);
			await generate(benchUrl);
		}

		// Signed-in members picked at random, each with a session (and the visit cookie a browser keeps).
		const picked = new Set<number>();
		while (picked.size < SESSIONS) picked.add(1 + Math.floor(Math.random() * MEMBERS));
		const lookup = postgres(benchUrl, { max: 1, onnotice: () => {} });
		const ids = await lookup<{ id: string }[]>`
			select ${lookup.unsafe(memberIdSql('n'))}::text as id from unnest(${[...picked]}::int[]) n`;
		await lookup.end();
		const day = dayKey(new Date(), config.houseTimeZone);
		const sessions: { token: string; visit: string }[] = [];
		for (const { id } of ids) {
			const token = generateSessionToken();
			await createSession(handle.db, token, id, 'encore-bench');
			sessions.push({ token, visit: `encore_visit=${id.slice(0, 8)}:${day}` });
		}
		const withVisit = (i: number) => {
			const s = sessions[i % sessions.length];
			return `${SESSION_COOKIE}=${s.token}; ${s.visit}`;
		};
		const sessionOnly = (i: number) => `${SESSION_COOKIE}=${sessions[i % sessions.length].token}`;

		encore = (await timed('Encore started', () => startServer(SERVER_DIR, benchUrl, PORT))).value;
		bare = (
			await timed('bare app started', () =>
				startServer(bareDir, benchUrl, BARE_PORT, { args: ['build'], env: { BARE_MEMBERS: String(MEMBERS) } })
			)
		).value;
		const at = (port: number, p: string) => `http://127.0.0.1:${port}${p}`;
		const pages: Page[] = [
			{ label: 'bare page, no data', url: at(BARE_PORT, '/'), pid: () => bare?.pid },
			{ label: 'bare page, one query', url: at(BARE_PORT, '/query'), pid: () => bare?.pid },
			{ label: 'Encore / (anonymous)', url: at(PORT, '/'), pid: () => encore?.pid },
			{
				label: 'Encore /me (visit cookie kept)',
				url: at(PORT, '/me'),
				cookie: withVisit,
				pid: () => encore?.pid
			},
			{
				label: 'Encore /me (no visit cookie)',
				url: at(PORT, '/me'),
				cookie: sessionOnly,
				pid: () => encore?.pid
			},
			{ label: 'Encore /drops', url: at(PORT, '/drops'), cookie: withVisit, pid: () => encore?.pid },
			{ label: 'Encore /polls', url: at(PORT, '/polls'), cookie: withVisit, pid: () => encore?.pid },
			{ label: 'Encore /tickets', url: at(PORT, '/tickets'), cookie: withVisit, pid: () => encore?.pid }
		];
		if (flags.only?.length) {
			const keep = pages.filter((p) => flags.only!.some((o) => p.label.includes(o)));
			pages.splice(0, pages.length, ...keep);
		}
		const run = (page: Page, seconds: number) =>
			load({
				url: page.url,
				cookie: page.cookie,
				connections: CONNECTIONS,
				seconds,
				acceptEncoding: BROWSER_ENCODING,
				serverPid: page.pid(),
				database: name
			});

		// Warm-up: every session's first visit of the day (the rest of the day is what is measured),
		// then JIT, pools and caches on every page.
		await timed('warm-up', async () => {
			let next = 0;
			const visit = async () => {
				for (let i = next++; i < sessions.length; i = next++) {
					const response = await fetch(at(PORT, '/me'), { headers: { cookie: sessionOnly(i) } });
					await response.arrayBuffer();
				}
			};
			await Promise.all(Array.from({ length: CONNECTIONS }, visit));
			for (const page of pages) await run(page, 1);
		});
		const results = new Map<string, LoadResult[]>(pages.map((p) => [p.label, []]));
		for (let round = 1; round <= ROUNDS; round++) {
			await timed(`round ${round} of ${ROUNDS}`, async () => {
				for (const page of pages) results.get(page.label)!.push(await run(page, SECONDS));
			});
		}
		const total = new Map([...results].map(([label, rs]) => [label, combine(rs)]));
		if (flags.only?.length) {
			console.log([...total].map(([label, r]) => describe(label, r)).join('\n'));
			return;
		}
		const f = (label: string) => figures(total.get(label)!);
		const bareNoData = f('bare page, no data');
		const bareQuery = f('bare page, one query');
		const me = f('Encore /me (visit cookie kept)');
		const meNoCookie = f('Encore /me (no visit cookie)');
		const landing = f('Encore / (anonymous)');
		const drops = f('Encore /drops');
		const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
		const ratio = (a: number, b: number) => (a / b).toFixed(2);
		console.log(`
Summary (${int(MEMBERS)} members, ${int(MEMBERS * ENTRIES)} ledger rows, ${int(DROPS)} drops; ${CONNECTIONS} connections; ${ROUNDS} rounds of ${SECONDS} s per page, interleaved; load average ${loadavg()[0].toFixed(1)})
${[...total].map(([label, r]) => describe(label, r)).join('\n')}

  /me ÷ bare one-query page      ${ratio(me.perSecond, bareQuery.perSecond)}   target ≥ 0.5: ${verdict(me.perSecond >= 0.5 * bareQuery.perSecond)}
  /me p99                        ${me.p99.toFixed(1)} ms   target ≤ 50 ms: ${verdict(me.p99 <= 50)}
  /me without ÷ with the cookie  ${ratio(meNoCookie.perSecond, me.perSecond)} (req/s), p99 ${ratio(meNoCookie.p99, me.p99)}×   target within 1.2×: ${verdict(me.perSecond <= 1.2 * meNoCookie.perSecond && meNoCookie.p99 <= 1.2 * me.p99)}
  / ÷ bare no-data page          ${ratio(landing.perSecond, bareNoData.perSecond)}   target ≥ 0.6: ${verdict(landing.perSecond >= 0.6 * bareNoData.perSecond)}
  /drops ÷ bare one-query page   ${ratio(drops.perSecond, bareQuery.perSecond)}   target ≥ 0.4: ${verdict(drops.perSecond >= 0.4 * bareQuery.perSecond)}
`);
	} finally {
		await stopServer(encore);
		await stopServer(bare);
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
