// Loyalty at scale, on a real Postgres: npm run bench:loyalty -- [flags]
//   (0) a generated ledger (default 100,000 members, 12 months, 5 million entries) and a rebuild;
//   (a) partner ingestion through the built server over HTTP, in events/s, beside a plain INSERT;
//   (b) /me for signed-in members at 10 connections: p50, p99, requests/s.
// It creates its own database (encore_bench_<random>) from BENCH_POSTGRES_URL and drops it at
// the end unless --keep. Traffic goes to 127.0.0.1 only; every phase is bounded and timed.
//
// Flags: --members 100000 --rows-per-member 50 --batches 50 --batch-size 1000 --concurrency 3
//        --sessions 300 --me-connections 10 --me-seconds 20 --port 4173 --keep
//        --reuse <database> (one kept by an earlier --keep run: skips generating, never dropped)
//        --skip-ingestion (measure /me only)   --plain-first (the plain INSERT before the API)
//        --server-dir <dir with a built app>   (default: copy this repo to /tmp/bench-work and build it)
// BENCH_NODE_ARGS adds Node flags to the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createSession, generateSessionToken, SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { config } from '../../src/lib/server/config';
import { openPostgres, redactUrl, type DatabaseHandle } from '../../src/lib/server/db/connect';
import { seedEssentials } from '../../src/lib/server/setup';
import { dayKey, DEFAULT_RULES } from '../../src/lib/server/loyalty/earning';
import { rebuildAll } from '../../src/lib/server/loyalty/rebuild';
import { createApiKey } from '../../src/lib/server/partners/api-keys';
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
import { generateLedger, memberEmail, memberIdSql } from './ledger';
import { cpuSince, cpuSnapshot } from './cpu';

const { values: flags } = parseArgs({
	options: {
		members: { type: 'string', default: '100000' },
		'rows-per-member': { type: 'string', default: '50' },
		batches: { type: 'string', default: '50' },
		'batch-size': { type: 'string', default: '1000' },
		concurrency: { type: 'string', default: '3' },
		sessions: { type: 'string', default: '300' },
		'me-connections': { type: 'string', default: '10' },
		'me-seconds': { type: 'string', default: '20' },
		port: { type: 'string', default: '4173' },
		'server-dir': { type: 'string' },
		keep: { type: 'boolean', default: false },
		reuse: { type: 'string' },
		socket: { type: 'string' },
		'skip-ingestion': { type: 'boolean', default: false },
		'plain-first': { type: 'boolean', default: false }
	}
});

const count = (name: keyof typeof flags, min: number, max: number) =>
	wholeNumber(flags[name], name, min, max);

const MEMBERS = count('members', 10, 1_000_000);
const ROWS_PER_MEMBER = count('rows-per-member', 1, 500);
const BATCHES = count('batches', 1, 1000);
const BATCH_SIZE = count('batch-size', 1, 1000);
const CONCURRENCY = count('concurrency', 1, 16);
const WARM_UP_SESSIONS = Math.min(100, Math.floor(MEMBERS / 2));
const SESSIONS = Math.min(count('sessions', 1, 10_000), MEMBERS - WARM_UP_SESSIONS);
const ME_CONNECTIONS = count('me-connections', 1, 100);
const ME_SECONDS = count('me-seconds', 1, 120);
const PORT = count('port', 1024, 65535);
const WARM_UP_SECONDS = 5;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ORIGIN = `http://127.0.0.1:${PORT}`;
const REPO = process.cwd();

// ---------------------------------------------------------------------------------------------
// Printing

// ---------------------------------------------------------------------------------------------
// (0) The generated ledger

/** Writes out the previous phase's dirty pages now, so that they do not land in the next one's figures. */
async function settle(admin: postgres.Sql): Promise<void> {
	await timed('  checkpoint', () => admin`checkpoint`);
}

// ---------------------------------------------------------------------------------------------
// The server

// ---------------------------------------------------------------------------------------------
// (a) Ingestion

const PARTNER_KINDS = [
	'venue_checkin',
	'patronage',
	'daily_visit',
	'drop_opened',
	'presale_claim',
	'poll_vote',
	'referral'
];

interface BenchItem {
	idempotencyKey: string;
	member: { id: string } | { email: string };
	kind: string;
	object?: string;
	occurredAt: string;
	units?: number;
}

/**
 * What partners send: near-real-time engagements of random members, by id or by email, in the
 * order they happened (batches sent at once may still commit out of order); one in twenty arrives
 * late (up to 3 hours), which replays that member's history. (Until 2026-11-27 every item was
 * jittered over the last minute, so about half of a member's later items replayed, not one in
 * twenty; figures from before then are not comparable.)
 */
function makeBatches(ids: string[], run: string): BenchItem[][] {
	// Spread over the five minutes before generation: in order, never in the future when sent.
	const start = Date.now() - 5 * 60_000;
	const step = (4 * 60_000) / (BATCHES * BATCH_SIZE);
	const at = (b: number, i: number) =>
		start +
		Math.floor((b * BATCH_SIZE + i) * step) -
		(Math.random() < 0.05 ? Math.floor(Math.random() * 3 * 3600_000) : 0);
	const batches: BenchItem[][] = [];
	for (let b = 0; b < BATCHES; b++) {
		const items: BenchItem[] = [];
		for (let i = 0; i < BATCH_SIZE; i++) {
			const n = 1 + Math.floor(Math.random() * MEMBERS);
			const kind = PARTNER_KINDS[Math.floor(Math.random() * PARTNER_KINDS.length)];
			const item: BenchItem = {
				idempotencyKey: `${run}-${b}-${i}`,
				member: i % 2 ? { email: memberEmail(n) } : { id: ids[n - 1] },
				kind,
				occurredAt: new Date(at(b, i)).toISOString()
			};
			if (kind === 'venue_checkin') item.object = `event:${200 + (b % 20)}`;
			if (kind === 'patronage')
				Object.assign(item, { object: `invoice:${run}-${b}-${i}`, units: 5 + (i % 50) });
			if (kind === 'drop_opened') item.object = `drop:${300 + (i % 40)}`;
			if (kind === 'presale_claim') item.object = `presale:${100 + (b % 10)}`;
			if (kind === 'poll_vote') item.object = `poll:${200 + (i % 30)}`;
			if (kind === 'referral') item.object = `friend:${run}-${b}-${i}`;
			items.push(item);
		}
		batches.push(items);
	}
	return batches;
}

interface IngestReport {
	accepted: number;
	duplicates: number;
	rejected: number;
	latencies: number[];
	reasons: Map<string, number>;
}

async function postBatches(key: string, bodies: string[]): Promise<IngestReport> {
	const report: IngestReport = { accepted: 0, duplicates: 0, rejected: 0, latencies: [], reasons: new Map() };
	let next = 0;
	const worker = async () => {
		while (next < bodies.length) {
			const body = bodies[next++];
			const started = performance.now();
			const response = await fetch(`${ORIGIN}/api/v1/engagements`, {
				method: 'POST',
				headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
				body,
				signal: AbortSignal.timeout(120_000)
			});
			const text = await response.text();
			report.latencies.push(performance.now() - started);
			if (response.status !== 200)
				throw new Error(`ingestion answered ${response.status}: ${text.slice(0, 500)}`);
			const outcome = JSON.parse(text) as {
				accepted: number;
				duplicates: number;
				rejected: number;
				results: { reason?: string }[];
			};
			report.accepted += outcome.accepted;
			report.duplicates += outcome.duplicates;
			report.rejected += outcome.rejected;
			for (const r of outcome.results)
				if (r.reason) report.reasons.set(r.reason, (report.reasons.get(r.reason) ?? 0) + 1);
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return report;
}

/** The same rows as the API would write, by the cheapest route there is: one INSERT per batch. */
async function plainInsert(url: string, batches: BenchItem[][], ids: Map<string, string>): Promise<number> {
	const rules = new Map(DEFAULT_RULES.map((r) => [r.kind, r]));
	const rowBatches = batches.map((items) =>
		items.map((item) => {
			const at = new Date(item.occurredAt);
			const memberId = 'id' in item.member ? item.member.id : ids.get(item.member.email)!;
			const rule = rules.get(item.kind)!;
			return {
				member_id: memberId,
				kind: item.kind,
				object: item.object ?? null,
				points: rule.perUnit ? rule.points * (item.units ?? 0) : rule.points,
				occurred_at: at,
				day: dayKey(at, config.houseTimeZone),
				source: 'partner:plain',
				idempotency_key: `plain:${item.idempotencyKey}`,
				payload_hash: randomBytes(32).toString('hex'),
				capped_reason: null
			};
		})
	);
	const sql = postgres(url, { max: CONCURRENCY, onnotice: () => {} });
	try {
		let next = 0;
		let rows = 0;
		const worker = async () => {
			while (next < rowBatches.length) {
				const batch = rowBatches[next++];
				await sql`insert into engagements ${sql(batch)}`;
				rows += batch.length;
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, worker));
		return rows;
	} finally {
		await sql.end({ timeout: 5 });
	}
}

// ---------------------------------------------------------------------------------------------
// (b) /me

interface MeReport {
	requests: number;
	errors: Map<string, number>;
	latencies: number[];
	/** Requests that recorded the day's visit (the first of the day for that member). */
	visitLatencies: number[];
	/** The others: the visit cookie saved the write. */
	laterLatencies: number[];
	ms: number;
}

async function loadMe(tokens: string[], seconds = ME_SECONDS): Promise<MeReport> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: ME_CONNECTIONS });
	// The browser's cookie jar, per member: the visit cookie comes back with the first response.
	const visitCookies: (string | null)[] = tokens.map(() => null);
	const report: MeReport = {
		requests: 0,
		errors: new Map(),
		latencies: [],
		visitLatencies: [],
		laterLatencies: [],
		ms: 0
	};
	const get = (index: number) =>
		new Promise<{ status: number; setCookie: string[] }>((resolve, reject) => {
			const cookie = [`${SESSION_COOKIE}=${tokens[index]}`, visitCookies[index]].filter(Boolean).join('; ');
			const request = http.get(
				`${ORIGIN}/me`,
				{ agent, headers: { cookie }, timeout: 30_000 },
				(response) => {
					response.resume();
					response.on('end', () =>
						resolve({ status: response.statusCode ?? 0, setCookie: response.headers['set-cookie'] ?? [] })
					);
					response.on('error', reject);
				}
			);
			request.on('timeout', () => request.destroy(new Error('timeout')));
			request.on('error', reject);
		});
	let next = 0;
	const started = performance.now();
	const deadline = started + seconds * 1000;
	const worker = async () => {
		while (performance.now() < deadline) {
			const index = next++ % tokens.length;
			const firstOfDay = visitCookies[index] === null;
			const t0 = performance.now();
			try {
				const { status, setCookie } = await get(index);
				const ms = performance.now() - t0;
				report.requests++;
				if (status !== 200) report.errors.set(String(status), (report.errors.get(String(status)) ?? 0) + 1);
				report.latencies.push(ms);
				const visit = setCookie.find((c) => c.startsWith('encore_visit='));
				if (visit) visitCookies[index] = visit.split(';')[0];
				(firstOfDay ? report.visitLatencies : report.laterLatencies).push(ms);
			} catch (err) {
				report.requests++;
				const reason = err instanceof Error ? err.message : String(err);
				report.errors.set(reason, (report.errors.get(reason) ?? 0) + 1);
			}
		}
	};
	await Promise.all(Array.from({ length: ME_CONNECTIONS }, worker));
	report.ms = performance.now() - started;
	agent.destroy();
	return report;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const reuse = flags.reuse;
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
		`database ${redactUrl(benchUrl)}: ${int(MEMBERS)} members × ${ROWS_PER_MEMBER} entries; ` +
			`${BATCHES} batches × ${BATCH_SIZE} at ${CONCURRENCY} at once; /me: ${SESSIONS} members, ` +
			`${ME_CONNECTIONS} connections, ${ME_SECONDS} s`
	);
	if (!reuse) await admin.unsafe(`create database "${name}"`);
	try {
		handle = await openPostgres(benchUrl, { max: 4 });
		await handle.migrate(path.join(REPO, 'drizzle'));
		await seedEssentials(handle.db);

		let generation = { ms: NaN };
		let rebuild = { ms: NaN };
		if (!reuse) {
			say('(0) generating the ledger');
			generation = await timed('generation', () => generateLedger(benchUrl, MEMBERS, ROWS_PER_MEMBER));
			const rebuilt = await timed('rebuild (rebuildAll)', () => rebuildAll(handle!.db));
			rebuild = rebuilt;
			say(
				`  ${int(rebuilt.value.members)} members rebuilt, ${int(rebuilt.value.differing.length)} given a state`
			);
		}
		const sql = postgres(benchUrl, { max: 1, onnotice: () => {} });
		const tiersHeld = await sql<{ rank: number; n: number }[]>`
			select rank, count(*)::int as n from member_tiers group by rank order by rank`;
		say(`  members per tier: ${tiersHeld.map((t) => `${t.rank}: ${int(t.n)}`).join(', ')}`);
		const idRows = await sql<{ n: number; id: string }[]>`
			select n, ${sql.unsafe(memberIdSql('n'))} as id from generate_series(1, ${MEMBERS}) n order by n`;
		await sql.end();
		const ids = idRows.map((r) => r.id);

		const build = await timed('server build (vite build in a copy)', async () =>
			buildServer(REPO, '/tmp/bench-work', flags['server-dir'])
		);
		const serverUrl = flags.socket ? `${benchUrl}?host=${encodeURIComponent(flags.socket)}` : benchUrl;
		server = (await timed('server start', () => startServer(build.value, serverUrl, PORT))).value;
		let apiRate = NaN;
		let plainRate = NaN;
		let ratio = NaN;
		if (!flags['skip-ingestion']) {
			say('(a) ingestion');
			const { key } = await createApiKey(handle.db, {
				name: 'Bench',
				scopes: PARTNER_KINDS,
				createdBy: null
			});
			const run = randomBytes(3).toString('hex');
			const batches = makeBatches(ids, run);
			const bodies = batches.map((items) => JSON.stringify({ items }));
			const events = BATCHES * BATCH_SIZE;
			say(`  ${BATCHES} bodies of ${int(bodies[0].length / 1024)} KiB, ${CONCURRENCY} requests at once`);
			const emails = new Map(ids.map((id, i) => [memberEmail(i + 1), id]));
			const runPlain = async () => {
				await settle(admin);
				const plain = await timed(`plain INSERT: ${int(events)} rows`, () =>
					plainInsert(benchUrl, batches, emails)
				);
				plainRate = plain.value / (plain.ms / 1000);
			};
			// Whichever runs second finds the same members' index pages in memory: --plain-first
			// gives that edge to the API instead of the INSERT.
			if (flags['plain-first']) await runPlain();
			await settle(admin);
			const api = await timed(`API: ${int(events)} events`, () => postBatches(key, bodies));
			apiRate = events / (api.ms / 1000);
			const sortedBatch = [...api.value.latencies].sort((a, b) => a - b);
			say(
				`  API ${int(apiRate)} events/s; ${int(api.value.accepted)} accepted, ${int(api.value.duplicates)} duplicates, ` +
					`${int(api.value.rejected)} rejected ${JSON.stringify(Object.fromEntries(api.value.reasons))}; ` +
					`per batch p50 ${int(percentile(sortedBatch, 50))} ms, max ${int(sortedBatch.at(-1)!)} ms`
			);
			const retry = await timed(`retry of ${Math.min(5, BATCHES)} batches (all duplicates)`, () =>
				postBatches(key, bodies.slice(0, 5))
			);
			say(`  retried: ${int(retry.value.duplicates)} duplicates, ${int(retry.value.accepted)} accepted`);
			if (!flags['plain-first']) await runPlain();
			ratio = apiRate / plainRate;
			say(`  plain INSERT ${int(plainRate)} rows/s; API/plain ${ratio.toFixed(2)}`);
		}

		say('(b) /me');
		const sample = new Set<number>();
		while (sample.size < SESSIONS + WARM_UP_SESSIONS) sample.add(Math.floor(Math.random() * MEMBERS));
		const tokens: string[] = [];
		for (const i of sample) {
			const token = generateSessionToken();
			await createSession(handle.db, token, ids[i], 'encore-bench');
			tokens.push(token);
		}
		// A server in production is warm: other members' requests first (JIT, pool, prepared
		// statements), so the measured members' first-of-the-day visits do not pay for the start.
		const warm = await loadMe(tokens.slice(SESSIONS), WARM_UP_SECONDS);
		say(
			`  warm-up: ${int(warm.requests)} requests of ${WARM_UP_SESSIONS} other members in ${WARM_UP_SECONDS} s`
		);
		await settle(admin);
		const cpuBefore = cpuSnapshot(server.pid, name);
		const me = await loadMe(tokens.slice(0, SESSIONS));
		const cpu = cpuSince(cpuBefore, server.pid, name);
		const sortedMe = [...me.latencies].sort((a, b) => a - b);
		const sortedVisits = [...me.visitLatencies].sort((a, b) => a - b);
		const meRate = me.requests / (me.ms / 1000);
		say(
			`  /me ${int(me.requests)} requests in ${seconds(me.ms)}: ${int(meRate)} req/s, ` +
				`p50 ${percentile(sortedMe, 50).toFixed(1)} ms, p99 ${percentile(sortedMe, 99).toFixed(1)} ms, ` +
				`max ${sortedMe.at(-1)?.toFixed(1)} ms; errors ${JSON.stringify(Object.fromEntries(me.errors))}`
		);
		say(
			`  CPU per request: server ${(cpu.server / me.requests).toFixed(2)} ms, ` +
				`Postgres ${(cpu.postgres / me.requests).toFixed(2)} ms`
		);
		const sortedLater = [...me.laterLatencies].sort((a, b) => a - b);
		say(
			`  of which ${sortedVisits.length} first-of-the-day requests (recording the visit): ` +
				`p50 ${percentile(sortedVisits, 50).toFixed(1)} ms, p99 ${percentile(sortedVisits, 99).toFixed(1)} ms; ` +
				`the other ${int(sortedLater.length)}: p50 ${percentile(sortedLater, 50).toFixed(1)} ms, ` +
				`p99 ${percentile(sortedLater, 99).toFixed(1)} ms`
		);

		const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
		console.log(`
Summary (${int(MEMBERS)} members, ${int(MEMBERS * ROWS_PER_MEMBER)} generated entries)
  generation                 ${seconds(generation.ms)}
  rebuild                    ${seconds(rebuild.ms)}
  API ingestion              ${int(apiRate)} events/s       target ≥ 5,000: ${verdict(apiRate >= 5000)}
  plain INSERT               ${int(plainRate)} rows/s
  API / plain                ${ratio.toFixed(2)}                target ≥ 0.30: ${verdict(ratio >= 0.3)}
  /me p50 / p99              ${percentile(sortedMe, 50).toFixed(1)} / ${percentile(sortedMe, 99).toFixed(1)} ms   target p99 ≤ 50 ms: ${verdict(percentile(sortedMe, 99) <= 50)}
  /me requests/s             ${int(meRate)} at ${ME_CONNECTIONS} connections
`);
	} finally {
		await stopServer(server);
		await handle?.close();
		if (flags.keep || reuse) {
			say(`kept ${redactUrl(benchUrl)} (--reuse ${name})`);
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
