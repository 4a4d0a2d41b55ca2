// One way to open the database, two drivers behind one schema:
// PGlite (embedded, in a data folder or in memory) when no URL is given, postgres.js otherwise.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Functions that may run inside a caller's transaction take this. */
export type Queryable = Database | Transaction;

export interface DatabaseHandle {
	db: Database;
	driver: 'pglite' | 'postgres';
	/** Where it points, without a password: for messages. */
	label: string;
	migrate(migrationsDir: string): Promise<void>;
	close(): Promise<void>;
}

export class DatabaseConfigError extends Error {}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`, safe to print. */
export function redactUrl(url: string): string {
	try {
		const u = new URL(url);
		u.password = '';
		return u.toString();
	} catch {
		return '(unparseable URL)';
	}
}

export function parseDatabaseUrl(url: string): URL {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new DatabaseConfigError('DATABASE_URL is not a valid URL (expected postgres://user@host:5432/db)');
	}
	if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
		throw new DatabaseConfigError(
			`DATABASE_URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`
		);
	}
	if (!parsed.hostname && !parsed.searchParams.get('host')) {
		throw new DatabaseConfigError('DATABASE_URL has no host');
	}
	return parsed;
}

/** Open PGlite: `dir` is a data folder, or undefined for an in-memory database. */
export async function openPglite(dir?: string): Promise<DatabaseHandle> {
	if (dir) mkdirSync(path.dirname(dir), { recursive: true }); // PGlite does not create parents
	// pg_trgm: the staff members search (a trigram index on name and email).
	const options = { extensions: { pg_trgm } };
	const client = dir ? new PGlite(dir, options) : new PGlite(options);
	await client.waitReady;
	const db = drizzlePglite(client, { schema }) as unknown as Database;
	return {
		db,
		driver: 'pglite',
		label: dir ? `PGlite at ${dir}` : 'PGlite in memory',
		migrate: async (migrationsFolder) => {
			await migratePglite(db as never, { migrationsFolder });
		},
		close: async () => {
			if (!client.closed) await client.close();
		}
	};
}

/** Queries with more parameters than this (multi-row inserts of any length) are not kept prepared. */
const MAX_PREPARED_PARAMS = 64;

/**
 * Drizzle sends every query unprepared, so Postgres parses and plans the same few statements on
 * every request; for short look-ups that costs more than running them. This client keeps
 * statements with a few parameters prepared per connection (postgres.js caches them by text);
 * long multi-row inserts, whose text differs with their length, and parameterless scripts
 * (which may hold several commands) stay unprepared.
 */
function preparingStatements(client: postgres.Sql): postgres.Sql {
	type Unsafe = (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;
	type Begin = (...args: unknown[]) => unknown;
	return new Proxy(client, {
		get(target, property, receiver) {
			const value = Reflect.get(target, property, receiver);
			if (property === 'unsafe') {
				return (query: string, params: unknown[] = [], options: { prepare?: boolean } = {}) =>
					(value as Unsafe).call(target, query, params, {
						...options,
						// Drizzle says `prepare: false` for every query it was not asked to name: overruled,
						// or Postgres plans each of them again on every call (a page's reads spent more
						// time planning than running).
						prepare: options.prepare === true || (params.length > 0 && params.length <= MAX_PREPARED_PARAMS)
					});
			}
			if (property === 'begin' || property === 'savepoint') {
				// Transactions run on their own connection object: give it the same behaviour.
				return (...args: unknown[]) => {
					const fn = args.pop() as (sql: postgres.Sql) => unknown;
					return (value as Begin).call(target, ...args, (inner: postgres.Sql) =>
						fn(preparingStatements(inner))
					);
				};
			}
			return typeof value === 'function' ? value.bind(target) : value;
		},
		apply(target, thisArg, args) {
			return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args);
		}
	});
}

/**
 * libpq's `?host=/run/postgresql` names a Unix socket directory: postgres.js takes it as its host
 * option (as a URL parameter it would be sent to the server as a setting). A server on the same
 * machine is cheaper to reach through its socket than through loopback TCP.
 */
export function socketOptions(url: string): { url: string; host?: string } {
	const parsed = new URL(url);
	const host = parsed.searchParams.get('host');
	if (!host?.startsWith('/')) return { url };
	parsed.searchParams.delete('host');
	return { url: parsed.toString(), host };
}

export async function openPostgres(address: string, options: { max?: number } = {}): Promise<DatabaseHandle> {
	parseDatabaseUrl(address);
	const { url, host } = socketOptions(address);
	const client = postgres(url, {
		...(host ? { host } : {}),
		max: options.max ?? 10,
		onnotice: () => {},
		connect_timeout: 10
	});
	try {
		await client`select 1`;
	} catch (err) {
		await client.end({ timeout: 1 }).catch(() => {});
		const reason = err instanceof Error ? err.message : String(err);
		throw new DatabaseConfigError(`cannot connect to ${redactUrl(address)}: ${reason}`);
	}
	const db = drizzlePostgres(preparingStatements(client), { schema }) as unknown as Database;
	return {
		db,
		driver: 'postgres',
		label: redactUrl(address),
		migrate: async (migrationsFolder) => {
			// Several instances may start at once: one applies migrations, the others wait.
			const lockClient = postgres(url, { ...(host ? { host } : {}), max: 1, onnotice: () => {} });
			try {
				await lockClient`select pg_advisory_lock(727274)`;
				await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder });
			} finally {
				await lockClient`select pg_advisory_unlock(727274)`.catch(() => {});
				await lockClient.end({ timeout: 5 });
			}
		},
		close: async () => {
			await client.end({ timeout: 5 });
		}
	};
}

export function openDatabase(url: string, pgliteDir?: string): Promise<DatabaseHandle> {
	return url ? openPostgres(url) : openPglite(pgliteDir);
}

/** `db.execute()` answers `{ rows }` on PGlite and an array on postgres.js. */
export function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}
