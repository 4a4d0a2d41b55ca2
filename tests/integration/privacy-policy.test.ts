// Every table must be classified by the personal data policy, and every column that holds a
// member's id must be named there: a table or column a feature adds later fails this test until
// someone decides what the export and the erasure do with it.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '$lib/server/db/connect';
import { isPersonal, personalDataPolicy } from '$lib/server/privacy/policy';
import { schemaTables } from '$lib/server/privacy/schema-scan';
import { forEachDriver } from './harness';

describe('personal data policy against the Drizzle schema', () => {
	const tables = schemaTables();

	it('classifies every table of the schema, and only tables that exist', () => {
		const names = tables.map((t) => t.name);
		const unclassified = names.filter((name) => !(name in personalDataPolicy));
		expect(
			unclassified,
			'add these tables to personalDataPolicy in src/lib/server/privacy/policy.ts'
		).toEqual([]);
		const stale = Object.keys(personalDataPolicy).filter((name) => !names.includes(name));
		expect(stale, 'these policy entries name no table').toEqual([]);
	});

	it('names exactly the member-id columns each table has', () => {
		for (const table of tables) {
			const policy = personalDataPolicy[table.name];
			const declared = isPersonal(policy) ? [...policy.memberColumns].sort() : [];
			expect(declared, `member columns of ${table.name}`).toEqual(table.memberColumns);
		}
	});

	it('gives a rule for every column of the rows erasure keeps, and only for real columns', () => {
		for (const table of tables) {
			const policy = personalDataPolicy[table.name];
			if (!isPersonal(policy)) continue;
			const columns = [...table.columns.keys()].sort();
			if (policy.erase === 'keep') {
				expect(Object.keys(policy.columns ?? {}).sort(), `column rules of ${table.name}`).toEqual(columns);
			} else {
				expect(policy.columns, `${table.name} is deleted: column rules would be ignored`).toBeUndefined();
			}
			for (const secret of policy.secret ?? []) expect(columns, `secret of ${table.name}`).toContain(secret);
		}
	});

	it('finds the member columns of the foundation tables', () => {
		const byName = new Map(tables.map((t) => [t.name, t.memberColumns]));
		expect(byName.get('sessions')).toEqual(['user_id']);
		expect(byName.get('engagements')).toEqual(['actor_id', 'member_id']);
		expect(byName.get('users')).toEqual(['id']);
		expect(byName.get('tiers')).toEqual([]);
	});
});

forEachDriver('personal data policy against the database', (t) => {
	it('classifies every table the migrations created', async () => {
		const rows = rowsOf<{ table_name: string }>(
			await t.db.execute(
				sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
			)
		);
		expect(rows.length).toBeGreaterThan(10);
		const unclassified = rows.map((r) => r.table_name).filter((name) => !(name in personalDataPolicy));
		expect(unclassified, 'tables in the database but not in the policy').toEqual([]);
	});

	it('covers every foreign key that points at users', async () => {
		const rows = rowsOf<{ table_name: string; column_name: string }>(
			await t.db.execute(sql`
				select cl.relname as table_name, a.attname as column_name
				from pg_constraint c
				join pg_class cl on cl.oid = c.conrelid
				join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
				where c.contype = 'f' and c.confrelid = 'public.users'::regclass`)
		);
		expect(rows.length).toBeGreaterThan(5);
		for (const { table_name, column_name } of rows) {
			const policy = personalDataPolicy[table_name];
			expect(isPersonal(policy) && policy.memberColumns, `${table_name}.${column_name}`).toContain(
				column_name
			);
		}
	});
});
