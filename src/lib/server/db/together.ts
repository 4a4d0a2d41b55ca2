// Several reads of one page in one statement. On this stack a round trip to Postgres costs more
// than most of the rows it brings back (the socket write alone is a fifth of a millisecond), so a
// page that asks five domains for five things asks them together: each domain hands over its read
// as a SQL expression (a scalar subquery, usually JSON) and the function that turns the value back,
// and keeps its own rule. A read may need a common table expression (a write with RETURNING, say).
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from './connect';

export interface Read<T> {
	/** `name as (…)` parts for the statement's WITH, named so they cannot collide. */
	with?: SQL[];
	/** One value: a scalar subquery, usually `(select row_to_json(…))` or a JSON array. */
	value: SQL;
	parse: (value: unknown) => T;
}

type Results<R extends Record<string, Read<unknown>>> = {
	[K in keyof R]: R[K] extends Read<infer T> ? T : never;
};

/** JSON values come back parsed from postgres.js and as text from some paths: either way, a value. */
export function jsonValue<T>(value: unknown): T {
	return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export async function readTogether<R extends Record<string, Read<unknown>>>(
	db: Queryable,
	reads: R
): Promise<Results<R>> {
	const names = Object.keys(reads);
	const ctes = names.flatMap((n) => reads[n].with ?? []);
	const columns = sql.join(
		names.map((n, i) => sql`${reads[n].value} as ${sql.raw(`r${i}`)}`),
		sql`, `
	);
	const statement = ctes.length
		? sql`with ${sql.join(ctes, sql`, `)} select ${columns}`
		: sql`select ${columns}`;
	const [row] = rowsOf<Record<string, unknown>>(await db.execute(statement));
	const out: Record<string, unknown> = {};
	names.forEach((n, i) => (out[n] = reads[n].parse(row[`r${i}`])));
	return out as Results<R>;
}
