// Reads the Drizzle schema itself: every table, and the columns that hold a member's id. The
// export, the erasure and the policy test all enumerate tables from here, so tables that later
// features add are covered without code changes.
import { getTableColumns, is } from 'drizzle-orm';
import { getTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import * as schema from '../db/schema';
import { users } from '../db/schema';

export interface ScannedTable {
	name: string;
	table: PgTable;
	/** SQL column name → Drizzle column (and its JS key, which query results use). */
	columns: Map<string, { key: string; column: PgColumn }>;
	/** SQL names of columns that hold a member's id. */
	memberColumns: string[];
	/** SQL names of the tables this one points at (its foreign keys). */
	references: string[];
}

// A uuid column with one of these names holds a member id even without a foreign key.
const MEMBER_COLUMN_NAME = /(^|_)(user|member|actor|voter|invitee|inviter|fan)_id$/;

export function scanTable(table: PgTable): ScannedTable {
	const config = getTableConfig(table);
	const columns = new Map<string, { key: string; column: PgColumn }>();
	for (const [key, column] of Object.entries(getTableColumns(table)))
		columns.set(column.name, { key, column });
	const member = new Set<string>();
	const references = new Set<string>();
	for (const fk of config.foreignKeys) {
		const ref = fk.reference();
		const target = getTableConfig(ref.foreignTable).name;
		references.add(target);
		if (ref.foreignTable === users) for (const c of ref.columns) member.add(c.name);
	}
	for (const [name, { column }] of columns) {
		if (column.getSQLType() === 'uuid' && MEMBER_COLUMN_NAME.test(name)) member.add(name);
	}
	if (table === users) member.add('id');
	return {
		name: config.name,
		table,
		columns,
		memberColumns: [...member].sort(),
		references: [...references]
	};
}

let cached: ScannedTable[] | undefined;

/** Every table of the app's schema, in a stable order. */
export function schemaTables(): ScannedTable[] {
	cached ??= (Object.values(schema) as unknown[])
		.filter((value): value is PgTable => is(value, PgTable))
		.map(scanTable)
		.sort((a, b) => a.name.localeCompare(b.name));
	return cached;
}

/** Tables ordered so that a table comes before every table it references (children first). */
export function childrenFirst(tables: ScannedTable[]): ScannedTable[] {
	const byName = new Map(tables.map((t) => [t.name, t]));
	const ordered: ScannedTable[] = [];
	const seen = new Set<string>();
	const visit = (t: ScannedTable) => {
		if (seen.has(t.name)) return;
		seen.add(t.name);
		// Tables that reference t must be handled before t.
		for (const other of tables) if (other !== t && other.references.includes(t.name)) visit(other);
		ordered.push(t);
	};
	for (const t of tables) visit(byName.get(t.name)!);
	return ordered;
}
