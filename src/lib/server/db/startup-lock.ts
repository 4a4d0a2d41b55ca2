// Several replicas may start at the same moment on one database. Each one's start (migrations,
// seeding the essentials, creating the job queues) runs under one Postgres advisory lock, so the
// second waits for the first instead of racing it into a deadlock, then finds the work done.
// (Migrations also take their own lock, a different key, so holding this one cannot block them.)
import postgres from 'postgres';
import { DatabaseConfigError, parseDatabaseUrl, redactUrl, socketOptions } from './connect';

/** Fixed, so every version of the app agrees on it (the migrations lock is 727274). */
const STARTUP_LOCK = 727_275;

export async function withStartupLock<T>(databaseUrl: string, fn: () => Promise<T>): Promise<T> {
	if (!databaseUrl) return fn(); // the embedded database belongs to one process anyway
	parseDatabaseUrl(databaseUrl);
	const { url, host } = socketOptions(databaseUrl);
	const sql = postgres(url, { ...(host ? { host } : {}), max: 1, onnotice: () => {}, connect_timeout: 10 });
	try {
		try {
			await sql`select pg_advisory_lock(${STARTUP_LOCK})`;
		} catch (err) {
			const reason = err instanceof Error ? err.message : String(err);
			throw new DatabaseConfigError(`cannot connect to ${redactUrl(databaseUrl)}: ${reason}`);
		}
		return await fn();
	} finally {
		await sql`select pg_advisory_unlock(${STARTUP_LOCK})`.catch(() => {});
		await sql.end({ timeout: 5 });
	}
}
