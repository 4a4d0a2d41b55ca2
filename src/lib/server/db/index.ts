// The app's one database, opened once per process by the server's init hook (or a script).
import { config } from '../config';
import { openDatabase, type Database, type DatabaseHandle } from './connect';

let handle: DatabaseHandle | undefined;
let opening: Promise<DatabaseHandle> | undefined;

export async function startDatabase(): Promise<DatabaseHandle> {
	opening ??= (async () => {
		const h = await openDatabase(config.databaseUrl, config.pgliteDir);
		await h.migrate(config.migrationsDir);
		handle = h;
		return h;
	})();
	return opening;
}

/** The database; start it first (hooks.server.ts `init` does). */
export function getDb(): Database {
	if (!handle) throw new Error('Database not started: call startDatabase() first');
	return handle.db;
}

export async function stopDatabase(): Promise<void> {
	const h = handle;
	handle = undefined;
	opening = undefined;
	await h?.close();
}

/** Tests use their own database through the same accessors. */
export function useDatabase(h: DatabaseHandle): void {
	handle = h;
	opening = Promise.resolve(h);
}

export * from './connect';
export * from './startup-lock';
export * from './together';
