// Drizzle builds a query's SQL text on every call, and on the pages every fan opens that building
// costs more than running the query. These queries are built once per database handle and then
// run with placeholders (drizzle's prepared queries).
const built = new WeakMap<object, Map<string, unknown>>();

export function preparedOnce<T>(db: object, name: string, build: () => T): T {
	let queries = built.get(db);
	if (!queries) built.set(db, (queries = new Map()));
	let query = queries.get(name) as T | undefined;
	if (query === undefined) queries.set(name, (query = build()));
	return query;
}
