// The daily-visit engagement: recorded the first time a signed-in member opens the portal on a
// (house-local) day. The session row remembers the day it counted, and it is read with the session
// anyway: every later request that day, with or without cookies kept, costs no ledger work at all.
import { and, eq, isNull, ne, or } from 'drizzle-orm';
import type { Database } from '../db';
import { sessions } from '../db/schema';
import { houseTimeZone } from '../house';
import { dayKey } from './earning';
import { recordEngagementQuickly } from './optimistic';

export interface VisitingSession {
	id: string;
	userId: string;
	visitedOn: string | null;
}

export async function recordDailyVisit(
	db: Database,
	session: VisitingSession,
	now = new Date()
): Promise<void> {
	const day = dayKey(now, houseTimeZone());
	if (session.visitedOn === day) return;
	// The fan waits on this: the quick path, which steps aside for the locked one when it must.
	await recordEngagementQuickly(
		db,
		{
			memberId: session.userId,
			kind: 'daily_visit',
			source: 'portal',
			// Day first: a day's visits sit together in the key index instead of all over it.
			idempotencyKey: `visit:${day}:${session.userId}`,
			occurredAt: now
		},
		{ now }
	);
	// After the entry: a failure above leaves the day unmarked, so the next request tries again.
	await db
		.update(sessions)
		.set({ visitedOn: day })
		.where(and(eq(sessions.id, session.id), or(isNull(sessions.visitedOn), ne(sessions.visitedOn, day))));
	session.visitedOn = day;
}
