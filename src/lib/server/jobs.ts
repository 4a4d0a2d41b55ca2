// Scheduled work runs as jobs in a queue kept in Postgres by pg-boss (a well-kept library: row
// locking with SKIP LOCKED, retries with backoff, job history). Each instance's clock proposes a
// job per due-work entry every few seconds as a singleton for that time slot, so however many
// instances run, each slot's job is created once and run once; a failing run is retried with
// backoff and stays visible to staff at /staff/jobs.
//
// On Postgres pg-boss keeps its own small pool; on the embedded PGlite it shares the one
// connection through an adapter (pg-boss 10 accepts any `executeSql`).
import PgBoss from 'pg-boss';
import { sql } from 'drizzle-orm';
import { config } from './config';
import { rowsOf, type Database } from './db';
import { log } from './log';

/** A piece of work that falls due with time; `run` must be idempotent (see scheduled-work.ts). */
export type DueWork = {
	name: string;
	run: (db: Database, now: Date) => Promise<unknown>;
};

export const queueName = (work: Pick<DueWork, 'name'>) => `due-${work.name}`;

/** What a job for one slot may take before pg-boss calls it failed (and retries it). */
const EXPIRE_SECONDS = 300;

interface PgliteLike {
	query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
	exec(text: string): Promise<{ rows: unknown[]; affectedRows?: number }[]>;
}

function pgliteAdapter(client: PgliteLike) {
	return {
		async executeSql(text: string, values?: unknown[]) {
			// pg-boss sends its schema as several statements in one string: those go through exec.
			const result = values?.length ? await client.query(text, values) : (await client.exec(text)).at(-1)!;
			return { rows: result?.rows ?? [], rowCount: result?.affectedRows ?? result?.rows.length ?? 0 };
		}
	};
}

export interface JobRunner {
	boss: PgBoss;
	/** Proposes one job per due-work entry for the current slot (what the clock does). */
	tick(now?: Date): Promise<void>;
	stop(): Promise<void>;
}

export async function startJobs(
	db: Database,
	work: readonly DueWork[],
	options: {
		driver: 'pglite' | 'postgres';
		tickMs: number;
		databaseUrl?: string;
		/** false: no timer, the caller ticks (tests). */
		clock?: boolean;
		retry?: { limit: number; delaySeconds: number };
	}
): Promise<JobRunner> {
	const retry = options.retry ?? { limit: 4, delaySeconds: 5 };
	const boss =
		options.driver === 'postgres'
			? new PgBoss({ connectionString: options.databaseUrl, max: 2, schedule: false })
			: new PgBoss({
					db: pgliteAdapter((db as unknown as { $client: PgliteLike }).$client),
					schedule: false
				});
	boss.on('error', (err) => log.error('job queue error', { error: String(err) }));
	await boss.start();
	const slotSeconds = Math.max(1, Math.round(options.tickMs / 1000));
	for (const entry of work) {
		const name = queueName(entry);
		await boss.createQueue(name, {
			name,
			retryLimit: retry.limit,
			retryDelay: retry.delaySeconds,
			retryBackoff: true,
			expireInSeconds: EXPIRE_SECONDS
		});
		await boss.work(name, { pollingIntervalSeconds: Math.max(0.5, Math.min(slotSeconds, 5)) }, async () => {
			await entry.run(db, new Date());
		});
	}
	const tick = async (now = new Date()) => {
		for (const entry of work) {
			// One job per queue per slot, whichever instance asks first.
			await boss.send(queueName(entry), { at: now.toISOString() }, { singletonSeconds: slotSeconds });
		}
	};
	let timer: ReturnType<typeof setInterval> | undefined;
	let ticking = false;
	if (options.clock !== false && options.tickMs > 0) {
		timer = setInterval(() => {
			if (ticking) return;
			ticking = true;
			tick()
				.catch((err) => log.error('job clock failed', { error: String(err) }))
				.finally(() => (ticking = false));
		}, options.tickMs);
		timer.unref();
	}
	return {
		boss,
		tick,
		async stop() {
			if (timer) clearInterval(timer);
			await boss.stop({ graceful: true, timeout: 5_000, wait: true });
		}
	};
}

export interface QueueSummary {
	name: string;
	counts: Record<string, number>;
	lastCompletedAt: Date | null;
}

export interface FailedJob {
	id: string;
	name: string;
	retries: number;
	error: string;
	failedAt: Date | null;
}

/** The job history for /staff/jobs: per-queue counts by state and the latest failures. */
export async function jobOverview(
	db: Database
): Promise<{ queues: QueueSummary[]; failures: FailedJob[] } | null> {
	const [exists] = rowsOf<{ ok: boolean }>(
		await db.execute(sql`select to_regclass('pgboss.job') is not null as ok`)
	);
	if (!exists?.ok) return null;
	const counts = rowsOf<{ name: string; state: string; n: number; last: string | Date | null }>(
		await db.execute(sql`
			select name, state::text as state, count(*)::int as n, max(completed_on) as last
			from pgboss.job where name like 'due-%' group by name, state order by name`)
	);
	const queues = new Map<string, QueueSummary>();
	for (const row of counts) {
		const q = queues.get(row.name) ?? { name: row.name, counts: {}, lastCompletedAt: null };
		q.counts[row.state] = row.n;
		if (row.state === 'completed' && row.last) q.lastCompletedAt = new Date(row.last);
		queues.set(row.name, q);
	}
	const failures = rowsOf<{
		id: string;
		name: string;
		retry_count: number;
		output: unknown;
		completed_on: string | Date | null;
	}>(
		await db.execute(sql`
			select id::text as id, name, retry_count, output, completed_on from pgboss.job
			where state = 'failed' and name like 'due-%' order by completed_on desc nulls last limit 20`)
	).map((r) => ({
		id: r.id,
		name: r.name,
		retries: r.retry_count,
		error: errorText(r.output),
		failedAt: r.completed_on ? new Date(r.completed_on) : null
	}));
	return { queues: [...queues.values()], failures };
}

function errorText(output: unknown): string {
	const value = typeof output === 'string' ? safeJson(output) : output;
	if (value && typeof value === 'object' && 'message' in value)
		return String((value as { message: unknown }).message);
	return value ? JSON.stringify(value).slice(0, 300) : 'No details';
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

export const jobsEnabled = () => config.schedulerMs > 0;
