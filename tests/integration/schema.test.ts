import { readFileSync } from 'node:fs';
import { count, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '$lib/server/db/connect';
import { house, tiers, users } from '$lib/server/db/schema';
import { verifyPassword } from '$lib/server/auth/password';
import { DEMO_ACCOUNTS, DEMO_HOUSE, DEMO_PASSWORD, seedDemo } from '$lib/server/demo/seed';
import { seedEssentials } from '$lib/server/setup';
import { getHouse, listTiers } from '$lib/server/house';
import { forEachDriver, MIGRATIONS_DIR, unique } from './harness';

const journal = JSON.parse(readFileSync(`${MIGRATIONS_DIR}/meta/_journal.json`, 'utf8')) as {
	entries: { tag: string }[];
};

/** The Postgres error code behind a Drizzle error (it wraps the driver's error in `cause`). */
function pgCode(err: unknown): string | undefined {
	for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string') return code;
	}
	return undefined;
}

forEachDriver('schema and seed', (t) => {
	describe('migrations', () => {
		it('create every table and record each migration once', async () => {
			const tables = rowsOf<{ table_name: string }>(
				await t.db.execute(
					sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`
				)
			).map((r) => r.table_name);
			// The foundation's tables; later features add their own.
			expect(tables).toEqual(
				expect.arrayContaining([
					'audit_log',
					'auth_tokens',
					'house',
					'mail_outbox',
					'rate_limits',
					'sessions',
					'tiers',
					'users'
				])
			);
			const applied = rowsOf<{ n: number | string }>(
				await t.db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`)
			);
			expect(Number(applied[0].n)).toBe(journal.entries.length);
		});

		it('are a no-op when applied again (every app start runs them)', async () => {
			await t.handle.migrate(MIGRATIONS_DIR);
			const applied = rowsOf<{ n: number | string }>(
				await t.db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`)
			);
			expect(Number(applied[0].n)).toBe(journal.entries.length);
		});
	});

	describe('users', () => {
		it('the unique index rejects a raw insert that differs only in case', async () => {
			const local = unique('case');
			const row = { displayName: 'Case', passwordHash: 'x' };
			await t.db.insert(users).values({ ...row, email: `${local}@Example.com` });
			const duplicate = t.db.insert(users).values({ ...row, email: `${local.toUpperCase()}@EXAMPLE.COM` });
			const err = await duplicate.then(
				() => null,
				(e: unknown) => e
			);
			expect(err, 'the differently-cased duplicate was accepted').not.toBeNull();
			expect(pgCode(err)).toBe('23505'); // unique_violation
			const [{ n }] = await t.db
				.select({ n: count() })
				.from(users)
				.where(sql`lower(${users.email}) = ${`${local}@example.com`}`);
			expect(n).toBe(1);
		});
	});

	describe('tiers', () => {
		it('seedEssentials gives the five default tiers in rank order', async () => {
			await seedEssentials(t.db);
			await seedEssentials(t.db); // every start runs it
			const ladder = await listTiers(t.db);
			expect(ladder.map((tier) => [tier.rank, tier.slug, tier.name, tier.pointsThreshold])).toEqual([
				[0, 'listener', 'Listener', 0],
				[1, 'fan', 'Fan', 200],
				[2, 'insider', 'Insider', 1000],
				[3, 'patron', 'Patron', null],
				[4, 'inner-circle', 'Inner Circle', 5000]
			]);
			const insider = ladder[2];
			expect([insider.paidName, insider.monthlyPriceMinor, insider.yearlyPriceMinor]).toEqual([
				'Supporter',
				500,
				5000
			]);
		});
	});

	describe('demo seed', () => {
		const emails = DEMO_ACCOUNTS.map((a) => a.email);
		const snapshot = async () => {
			const [u] = await t.db.select({ n: count() }).from(users).where(inArray(users.email, emails));
			const [tr] = await t.db.select({ n: count() }).from(tiers);
			const [h] = await t.db.select({ n: count() }).from(house);
			return { users: u.n, tiers: tr.n, house: h.n };
		};

		it('creates the accounts, tiers and house once, however often it runs', async () => {
			const first = await seedDemo(t.db);
			expect(first.created).toBe(DEMO_ACCOUNTS.length);
			const afterFirst = await snapshot();
			expect(afterFirst).toEqual({ users: DEMO_ACCOUNTS.length, tiers: 5, house: 1 });

			const second = await seedDemo(t.db);
			expect(second.created).toBe(0);
			expect(await snapshot()).toEqual(afterFirst);
		});

		it('gives the demo accounts their roles, a verified email and the published password', async () => {
			await seedDemo(t.db);
			const rows = await t.db.select().from(users).where(inArray(users.email, emails));
			for (const account of DEMO_ACCOUNTS) {
				const user = rows.find((r) => r.email === account.email);
				expect(user?.role, account.email).toBe(account.role);
				expect(user?.emailVerifiedAt, account.email).toBeInstanceOf(Date);
			}
			const staff = rows.find((r) => r.email === 'staff@encore.demo');
			expect(await verifyPassword(staff!.passwordHash, DEMO_PASSWORD)).toBe(true);
			expect((await getHouse(t.db)).name).toBe(DEMO_HOUSE.name);
		});
	});
});
