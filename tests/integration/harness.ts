// Runs the same integration suite on both drivers: PGlite in memory and a real Postgres.
// Each test file gets one fresh database per driver (PGlite takes ~2.6 s to open, so it is
// shared by the file's tests); tests isolate themselves with unique emails, keys and IPs.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { wireDomains } from '$lib/server/setup';
import {
	openPglite,
	openPostgres,
	redactUrl,
	type Database,
	type DatabaseHandle
} from '$lib/server/db/connect';

// The app's listeners (the tier-up moment), as the server registers them at start.
wireDomains();

export const MIGRATIONS_DIR = 'drizzle';
export const ADMIN_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export type Driver = DatabaseHandle['driver'];

export interface TestDatabase {
	driver: Driver;
	/** The handle opened for this file (available inside tests and hooks). */
	readonly handle: DatabaseHandle;
	readonly db: Database;
	/** Postgres only: the URL of this file's database, to open a second "app instance". */
	readonly url: string;
}

/** Whether Postgres answers, decided once per test file (top-level await). */
async function probePostgres(): Promise<string | null> {
	const client = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
	try {
		await client`select 1`;
		return null;
	} catch (err) {
		return err instanceof Error ? err.message : String(err);
	} finally {
		await client.end({ timeout: 1 }).catch(() => {});
	}
}

const postgresProblem = await probePostgres();
const postgresMissing = `cannot reach ${redactUrl(ADMIN_URL)} (${postgresProblem}); set TEST_POSTGRES_URL`;
if (postgresProblem !== null) {
	if (process.env.CI) {
		// In CI both drivers are mandatory: a silently skipped half would hide real bugs.
		throw new Error(`Postgres tests cannot run in CI: ${postgresMissing}`);
	}
	console.warn(`Postgres tests NOT run: ${postgresMissing}`);
}

export const postgresAvailable = postgresProblem === null;

function databaseUrl(name: string): string {
	const url = new URL(ADMIN_URL);
	url.pathname = `/${name}`;
	return url.toString();
}

/** Registers hooks that create the database before the describe block's tests and drop it after. */
function provide(driver: Driver): TestDatabase {
	let handle: DatabaseHandle | undefined;
	let url = '';
	let admin: postgres.Sql | undefined;
	let name = '';

	beforeAll(async () => {
		if (driver === 'pglite') {
			handle = await openPglite();
		} else {
			name = `encore_test_${randomBytes(6).toString('hex')}`;
			admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
			await admin.unsafe(`create database "${name}"`);
			url = databaseUrl(name);
			handle = await openPostgres(url);
		}
		await handle.migrate(MIGRATIONS_DIR);
	});

	afterAll(async () => {
		await handle?.close();
		if (admin && name) {
			// Tests may have opened more handles; end every connection before dropping.
			await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
			await admin.unsafe(`drop database if exists "${name}"`);
			await admin.end({ timeout: 5 });
		}
	});

	const get = (): DatabaseHandle => {
		if (!handle) throw new Error(`${driver} database not open yet: use it inside tests or hooks`);
		return handle;
	};
	return {
		driver,
		get handle() {
			return get();
		},
		get db() {
			return get().db;
		},
		get url() {
			if (driver !== 'postgres') throw new Error('only the Postgres driver has a URL');
			return url;
		}
	};
}

/** `describe` the same tests once per driver: `forEachDriver('accounts', (t) => { it(..., () => t.db) })`. */
export function forEachDriver(name: string, fn: (t: TestDatabase) => void): void {
	describe(`${name} [pglite]`, () => fn(provide('pglite')));
	describe.skipIf(!postgresAvailable)(`${name} [postgres]`, () => fn(provide('postgres')));
}

/**
 * Postgres only: races (votes, claims, ledger, webhooks) are proven on a real server, since PGlite
 * runs one transaction at a time and would hide them.
 */
export function onPostgres(name: string, fn: (t: TestDatabase) => void): void {
	describe.skipIf(!postgresAvailable)(`${name} [postgres]`, () => fn(provide('postgres')));
}

/** A value no other test in the run uses: emails, rate-limit keys, client addresses. */
export function unique(prefix = 't'): string {
	return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export function uniqueEmail(prefix = 'fan'): string {
	return `${unique(prefix)}@example.com`;
}

/** A made-up client address, so one test's rate-limit counters never touch another's. */
export function uniqueIp(): string {
	const b = randomBytes(3);
	return `10.${b[0]}.${b[1]}.${b[2]}`;
}
