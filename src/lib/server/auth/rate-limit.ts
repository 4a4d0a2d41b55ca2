// Fixed-window counters in the database, so a limit holds across every app instance.
import { sql } from 'drizzle-orm';
import { config } from '../config';
import { rowsOf, type Queryable } from '../db';

export interface Limit {
	/** Allowed attempts per window. */
	max: number;
	windowSeconds: number;
}

export const LIMITS = {
	loginPerIp: { max: 30, windowSeconds: 15 * 60 },
	loginPerAccount: { max: 8, windowSeconds: 15 * 60 },
	signupPerIp: { max: 20, windowSeconds: 60 * 60 },
	resetPerIp: { max: 20, windowSeconds: 60 * 60 },
	resetPerAccount: { max: 4, windowSeconds: 60 * 60 },
	verifyResendPerAccount: { max: 5, windowSeconds: 60 * 60 }
} satisfies Record<string, Limit>;

export interface LimitResult {
	allowed: boolean;
	count: number;
	retryAfterSeconds: number;
}

/** Counts one attempt against `key` and says whether it is within the limit. One atomic statement. */
export async function consume(
	db: Queryable,
	key: string,
	limit: Limit,
	now = new Date()
): Promise<LimitResult> {
	const max = limit.max * config.rateLimitFactor;
	const windowStart = new Date(now.getTime() - limit.windowSeconds * 1000);
	const result = await db.execute(sql`
		insert into rate_limits (key, count, window_start)
		values (${key}, 1, ${now.toISOString()})
		on conflict (key) do update set
			count = case when rate_limits.window_start <= ${windowStart.toISOString()} then 1 else rate_limits.count + 1 end,
			window_start = case when rate_limits.window_start <= ${windowStart.toISOString()} then excluded.window_start else rate_limits.window_start end
		returning count, window_start`);
	const [row] = rowsOf<{ count: number; window_start: string | Date }>(result);
	const started = new Date(row.window_start);
	const retryAfterSeconds = Math.max(
		1,
		Math.ceil((started.getTime() + limit.windowSeconds * 1000 - now.getTime()) / 1000)
	);
	return { allowed: Number(row.count) <= max, count: Number(row.count), retryAfterSeconds };
}

/** Consumes every key; refused if any one is over its limit. */
export async function consumeAll(
	db: Queryable,
	checks: [key: string, limit: Limit][],
	now = new Date()
): Promise<LimitResult> {
	let worst: LimitResult = { allowed: true, count: 0, retryAfterSeconds: 0 };
	for (const [key, limit] of checks) {
		const r = await consume(db, key, limit, now);
		if (!r.allowed && (worst.allowed || r.retryAfterSeconds > worst.retryAfterSeconds)) worst = r;
	}
	return worst;
}

export function retryMessage(seconds: number): string {
	const minutes = Math.ceil(seconds / 60);
	return `Too many attempts. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`;
}

/** Old windows are dead weight; prune occasionally. */
export async function pruneRateLimits(db: Queryable, olderThanSeconds = 24 * 3600): Promise<void> {
	await db.execute(
		sql`delete from rate_limits where window_start < ${new Date(Date.now() - olderThanSeconds * 1000).toISOString()}`
	);
}
