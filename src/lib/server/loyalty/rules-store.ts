// The earning rules as stored (staff edit them at /staff/rules, see rules-admin.ts).
import { asc } from 'drizzle-orm';
import type { Queryable } from '../db';
import { earningRules } from '../db/schema';
import { DEFAULT_RULES, type EarningRule } from './earning';

/** The rules as stored (with when each was last changed). */
export async function loadRules(db: Queryable): Promise<(EarningRule & { updatedAt: Date })[]> {
	return db.select().from(earningRules).orderBy(asc(earningRules.kind));
}

export async function seedEarningRules(db: Queryable): Promise<void> {
	await db.insert(earningRules).values(DEFAULT_RULES).onConflictDoNothing();
}
