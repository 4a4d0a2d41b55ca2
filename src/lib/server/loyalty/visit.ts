// The daily-visit engagement: recorded the first time a signed-in member opens the portal on a
// (house-local) day. A cookie saves the database write on every later request that day.
import type { Cookies } from '@sveltejs/kit';
import { config } from '../config';
import type { Database } from '../db';
import { houseTimeZone } from '../house';
import { dayKey } from './earning';
import { recordEngagementQuickly } from './optimistic';

const COOKIE = 'encore_visit';

export async function recordDailyVisit(
	db: Database,
	cookies: Cookies,
	memberId: string,
	now = new Date()
): Promise<void> {
	const day = dayKey(now, houseTimeZone());
	const marker = `${memberId.slice(0, 8)}:${day}`;
	if (cookies.get(COOKIE) === marker) return;
	// The fan waits on this: the quick path, which steps aside for the locked one when it must.
	await recordEngagementQuickly(
		db,
		{
			memberId,
			kind: 'daily_visit',
			source: 'portal',
			// Day first: a day's visits sit together in the key index instead of all over it.
			idempotencyKey: `visit:${day}:${memberId}`,
			occurredAt: now
		},
		{ now }
	);
	cookies.set(COOKIE, marker, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config.cookieSecure,
		maxAge: 86400
	});
}
