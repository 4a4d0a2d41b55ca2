// A batch's keys or rows as one JSON parameter: thousands of bound parameters cost more to build,
// bind and plan than the statement costs to run, and a list of any length fits.
import { sql, type SQL } from 'drizzle-orm';

/** `(select value::type from json_array_elements_text($1))`, for `in` over a list of any length. */
export function jsonList(values: readonly string[], type: 'uuid' | 'text'): SQL {
	return sql`(select value::${sql.raw(type)} as value from json_array_elements_text(${JSON.stringify(values)}::text::json))`;
}

/** `json_to_recordset($1) as name(columns)`: rows (objects keyed by column name) as a relation. */
export function recordSet(name: string, columns: string, rows: readonly object[]): SQL {
	return sql`json_to_recordset(${JSON.stringify(rows)}::text::json) as ${sql.raw(name)}(${sql.raw(columns)})`;
}

/**
 * A timestamp as whole epoch milliseconds, what a Date holds: raw statements read times this way,
 * as parsing each timestamp's text costs more than the query, and both drivers answer a number.
 */
export function epochMs(column: SQL): SQL {
	return sql`floor(extract(epoch from ${column}) * 1000)::float8`;
}

/** A Date from `epochMs`'s answer (null stays null). */
export function dateFromMs(ms: number | string | null): Date | null {
	return ms === null ? null : new Date(Number(ms));
}
