// The generated history loyalty.ts and members.ts measure (insights.ts loads its own ledger the
// same way): members numbered 1..n with ids that follow from the number, and a ledger bulk-loaded
// with its secondary indexes and foreign keys put back afterwards.
import postgres from 'postgres';
import { config } from '../../src/lib/server/config';
import { int, say, timed } from './common';

/** The generated members' ids follow from their number, so every phase can name one without a lookup. */
export const memberIdSql = (n: string) => `md5('encore-bench-' || ${n})::uuid`;
export const memberEmail = (n: number) => `fan${n}@bench.example`;

/**
 * Entries in time order over the last 12 months, as a real ledger grows: a member's entries are
 * spread over the table. Activity is skewed (a few superfans, many occasional visitors), and the
 * kinds, objects and points follow the earning rules. Pseudo-random but repeatable: hashes of g.
 */
function ledgerChunkSql(from: number, to: number, total: number, members: number): string {
	const u = (seed: number) => `((hashint8extended(g, ${seed}) & 2147483647)::float8 / 2147483648)`;
	return `
		insert into engagements
			(member_id, kind, object, points, occurred_at, recorded_at, day, source, idempotency_key, payload_hash)
		select ${memberIdSql('m')}, kind, object, points, at, at,
			to_char(at at time zone '${config.houseTimeZone}', 'YYYY-MM-DD'), source, 'bench:' || g, md5(g::text)
		from (
			select g, m, at, r, h,
				case when r < 0.55 then 'daily_visit' when r < 0.72 then 'drop_opened' when r < 0.80 then 'poll_vote'
					when r < 0.85 then 'venue_checkin' when r < 0.88 then 'presale_claim' when r < 0.91 then 'idea_submitted'
					when r < 0.99 then 'patronage' when r < 0.995 then 'referral' else 'birthday' end as kind,
				case when r < 0.55 then null when r < 0.72 then 'drop:' || h % 300 when r < 0.80 then 'poll:' || h % 200
					when r < 0.85 then 'event:' || h % 150 when r < 0.88 then 'presale:' || h % 100
					when r < 0.91 then 'idea:' || g when r < 0.99 then 'invoice:' || g
					when r < 0.995 then 'friend:' || g else 'birthday:' || m end as object,
				case when r < 0.55 then 5 when r < 0.72 then 2 when r < 0.80 then 20 when r < 0.85 then 100
					when r < 0.88 then 50 when r < 0.91 then 15 when r < 0.99 then 5 + h % 96
					when r < 0.995 then 150 else 50 end as points,
				case when r >= 0.80 and r < 0.88 or r >= 0.91 and r < 0.99 then 'partner:bench'
					when r >= 0.995 then 'system' else 'portal' end as source
			from (
				select g,
					1 + least(${members - 1}, floor(${members} * power(${u(1)}, 1.6))::int) as m,
					${u(2)} as r,
					(hashint8extended(g, 3) & 2147483647) as h,
					now() - interval '364 days' + interval '364 days' * (g::float8 / ${total}) - interval '1 hour' * ${u(4)} as at
				from generate_series(${from}::int8, ${to}::int8) g
			) raw
		) e`;
}

/**
 * Loads `total` ledger rows, `chunkSql(from, to)` at a time on the client's two connections. The
 * ledger's secondary indexes and foreign keys are dropped first and put back exactly as they were:
 * one sort per index beats five million index insertions.
 */
export async function bulkLoadLedger(
	db: postgres.Sql,
	total: number,
	chunkSql: (from: number, to: number) => string
): Promise<void> {
	const indexes = await db<{ name: string; definition: string }[]>`
		select indexname as name, indexdef as definition from pg_indexes
		where tablename = 'engagements' and indexname <> 'engagements_pkey'`;
	const constraints = await db<{ name: string; definition: string }[]>`
		select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
		where conrelid = 'engagements'::regclass and contype = 'f'`;
	for (const c of constraints) await db.unsafe(`alter table engagements drop constraint "${c.name}"`);
	for (const i of indexes) await db.unsafe(`drop index "${i.name}"`);

	const chunk = Math.ceil(total / 10);
	await timed(`${int(total)} ledger entries (insert … select generate_series, 2 connections)`, async () => {
		const ranges: [number, number][] = [];
		for (let from = 1; from <= total; from += chunk) ranges.push([from, Math.min(total, from + chunk - 1)]);
		let done = 0;
		const worker = async () => {
			for (let range = ranges.shift(); range; range = ranges.shift()) {
				await db.unsafe(chunkSql(range[0], range[1]));
				done += range[1] - range[0] + 1;
				say(`  ${int(done)} / ${int(total)} entries`);
			}
		};
		await Promise.all([worker(), worker()]);
	});
	await timed(`${indexes.length} indexes and ${constraints.length} foreign keys restored`, async () => {
		await Promise.all(indexes.map((i) => db.unsafe(i.definition)));
		for (const c of constraints) {
			await db.unsafe(`alter table engagements add constraint "${c.name}" ${c.definition}`);
		}
	});
}

/** `members` members and `members × rowsPerMember` ledger entries over the last 12 months. */
export async function generateLedger(url: string, members: number, rowsPerMember: number): Promise<void> {
	const db = postgres(url, {
		max: 2,
		onnotice: () => {},
		// Each index is rebuilt with one sort in memory.
		connection: { maintenance_work_mem: '512MB' }
	});
	try {
		await timed(`${int(members)} members`, async () => {
			await db.unsafe(`
				insert into users (id, email, display_name, password_hash, email_verified_at, created_at)
				select ${memberIdSql('n')}, 'fan' || n || '@bench.example', 'Fan ' || n, 'x', now(),
					now() - interval '2 years' + interval '1 minute' * n
				from generate_series(1, ${members}) n`);
		});
		const total = members * rowsPerMember;
		await bulkLoadLedger(db, total, (from, to) => ledgerChunkSql(from, to, total, members));
		await timed('vacuum analyze', () => db.unsafe('vacuum analyze users, engagements'));
		const [size] = await db<{ table: string; total: string }[]>`
			select pg_size_pretty(pg_table_size('engagements')) as table,
				pg_size_pretty(pg_total_relation_size('engagements')) as total`;
		say(`  engagements: ${size.table} of rows, ${size.total} with indexes`);
	} finally {
		await db.end({ timeout: 5 });
	}
}
