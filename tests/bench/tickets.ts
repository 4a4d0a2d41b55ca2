// One hot presale window on a real Postgres: npm run bench:tickets -- [flags]
// Every member fires one claim at the same moment through two connection pools (two "app
// instances"); it reports claims per second (attempts and successes) and checks there is no
// oversell: seats held + seats left = allocation, nothing negative, every code distinct.
// It creates its own database (encore_bench_<random>) from BENCH_POSTGRES_URL and drops it.
//
// Flags: --members 5000 --seats 1000 --limit 2 --seats-per-claim 1 --connections 10 --keep
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { and, eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openPostgres, redactUrl } from '../../src/lib/server/db/connect';
import { events, memberTiers, presaleClaims, presaleWindows, users } from '../../src/lib/server/db/schema';
import { seedEssentials } from '../../src/lib/server/setup';
import { claimSeats } from '../../src/lib/server/tickets/claims';

const { values: flags } = parseArgs({
	options: {
		members: { type: 'string', default: '5000' },
		seats: { type: 'string', default: '1000' },
		limit: { type: 'string', default: '2' },
		'seats-per-claim': { type: 'string', default: '1' },
		connections: { type: 'string', default: '10' },
		keep: { type: 'boolean', default: false }
	}
});
const MEMBERS = Number(flags.members);
const SEATS = Number(flags.seats);
const LIMIT = Number(flags.limit);
const PER_CLAIM = Number(flags['seats-per-claim']);
const CONNECTIONS = Number(flags.connections);

const ADMIN_URL =
	process.env.BENCH_POSTGRES_URL ||
	process.env.TEST_POSTGRES_URL ||
	'postgres://postgres@127.0.0.1:5432/postgres';
const name = `encore_bench_${randomBytes(5).toString('hex')}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;

console.log(
	`tickets bench on ${redactUrl(url.toString())}: ${MEMBERS} members, ${SEATS} seats, limit ${LIMIT}`
);
await admin.unsafe(`create database "${name}"`);
const a = await openPostgres(url.toString(), { max: CONNECTIONS });
const b = await openPostgres(url.toString(), { max: CONNECTIONS });
try {
	await a.migrate('drizzle');
	await seedEssentials(a.db);
	const now = new Date();
	const ids: string[] = [];
	for (let i = 0; i < MEMBERS; i += 1000) {
		const rows = await a.db
			.insert(users)
			.values(
				Array.from({ length: Math.min(1000, MEMBERS - i) }, (_, j) => ({
					email: `bench-${i + j}@example.com`,
					displayName: `Bench ${i + j}`,
					passwordHash: 'x'
				}))
			)
			.returning({ id: users.id });
		ids.push(...rows.map((r) => r.id));
	}
	for (let i = 0; i < ids.length; i += 1000)
		await a.db.insert(memberTiers).values(
			ids.slice(i, i + 1000).map((memberId) => ({
				memberId,
				paidRank: 3,
				paidUntil: new Date(now.getTime() + 365 * 86400_000),
				rank: 3
			}))
		);
	const [event] = await a.db
		.insert(events)
		.values({
			slug: 'bench',
			title: 'Bench',
			venue: 'Bench',
			startsAt: new Date(now.getTime() + 30 * 86400_000),
			timeZone: 'Europe/Brussels',
			publicSaleAt: new Date(now.getTime() + 20 * 86400_000),
			capacity: SEATS
		})
		.returning();
	const [w] = await a.db
		.insert(presaleWindows)
		.values({
			eventId: event.id,
			mode: 'first_come',
			minRank: 3,
			opensAt: new Date(now.getTime() - 3600_000),
			closesAt: new Date(now.getTime() + 86400_000),
			allocation: SEATS,
			seatsRemaining: SEATS,
			perMemberLimit: LIMIT
		})
		.returning();

	// The baseline, measured in the same run through the same pools: one plain INSERT per member.
	await a.db.execute(sql`create table bench_baseline (id serial primary key, member uuid not null)`);
	const baseStarted = performance.now();
	const baseLatencies = await Promise.all(
		ids.map(async (memberId, i) => {
			const t0 = performance.now();
			await (i % 2 ? b.db : a.db).execute(sql`insert into bench_baseline (member) values (${memberId})`);
			return performance.now() - t0;
		})
	);
	const baseSeconds = (performance.now() - baseStarted) / 1000;
	baseLatencies.sort((x, y) => x - y);

	const started = performance.now();
	const latencies: number[] = [];
	const won: number[] = [];
	let lastClaimAt = started;
	const results = await Promise.all(
		ids.map(async (memberId, i) => {
			const t0 = performance.now();
			const r = await claimSeats(i % 2 ? b.db : a.db, { windowId: w.id, memberId, seats: PER_CLAIM });
			const t1 = performance.now();
			latencies.push(t1 - t0);
			if (r.ok) {
				lastClaimAt = Math.max(lastClaimAt, t1);
				won.push(t1 - t0);
			}
			return r;
		})
	);
	const seconds = (performance.now() - started) / 1000;
	const sellOut = (lastClaimAt - started) / 1000;
	latencies.sort((x, y) => x - y);
	won.sort((x, y) => x - y);
	const pct = (q: number, of = latencies) => of[Math.min(of.length - 1, Math.floor(q * of.length))] ?? NaN;
	const ok = results.filter((r) => r.ok).length;
	const refusals: Record<string, number> = {};
	for (const r of results) if (!r.ok) refusals[r.refusal.code] = (refusals[r.refusal.code] ?? 0) + 1;

	const [after] = await a.db.select().from(presaleWindows).where(eq(presaleWindows.id, w.id));
	const [held] = await a.db
		.select({
			seats: sql<number>`coalesce(sum(${presaleClaims.seats}), 0)`.mapWith(Number),
			codes: sql<number>`count(distinct ${presaleClaims.code})`.mapWith(Number),
			claims: sql<number>`count(*)`.mapWith(Number)
		})
		.from(presaleClaims)
		.where(and(eq(presaleClaims.windowId, w.id), inArray(presaleClaims.status, ['claimed', 'offered'])));
	const oversold =
		held.seats + after.seatsRemaining !== SEATS || after.seatsRemaining < 0 || held.seats > SEATS;
	console.table({
		attempts: results.length,
		'successful claims': ok,
		refusals: JSON.stringify(refusals),
		'wall time (s)': seconds.toFixed(2),
		'attempts per second': Math.round(results.length / seconds),
		'claims per second (successful, until the last seat went)': Math.round(ok / sellOut),
		'last seat gone after (s)': sellOut.toFixed(2),
		'latency p50 / p99, every attempt (ms)': `${pct(0.5).toFixed(0)} / ${pct(0.99).toFixed(0)}`,
		'latency p50 / p99, successful claims (ms)': `${pct(0.5, won).toFixed(0)} / ${pct(0.99, won).toFixed(0)}`,
		'baseline: plain INSERTs per second': Math.round(ids.length / baseSeconds),
		'baseline latency p50 / p99 (ms)': `${pct(0.5, baseLatencies).toFixed(0)} / ${pct(0.99, baseLatencies).toFixed(0)}`,
		'attempts per second ÷ baseline': (results.length / seconds / (ids.length / baseSeconds)).toFixed(2),
		'seats held': held.seats,
		'seats left': after.seatsRemaining,
		'distinct codes': `${held.codes} of ${held.claims}`,
		oversold: oversold ? 'YES' : 'no'
	});
	if (oversold || held.codes !== held.claims) process.exitCode = 1;
} finally {
	await a.close();
	await b.close();
	if (!flags.keep) {
		await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
		await admin.unsafe(`drop database if exists "${name}"`);
	}
	await admin.end({ timeout: 5 });
}
