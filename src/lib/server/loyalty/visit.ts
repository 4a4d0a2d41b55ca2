// The daily-visit engagement: recorded the first time a signed-in member opens the portal on a
// (house-local) day. A cookie saves the database write on every later request that day.
import type { Cookies } from '@sveltejs/kit';
import { config } from '../config';
import type { Database } from '../db';
import { dayKey } from './earning';
import { recordEngagement } from './engine';

const COOKIE = 'encore_visit';

export async function recordDailyVisit(
	db: Database,
	cookies: Cookies,
	memberId: string,
	now = new Date()
): Promise<void> {
	const day = dayKey(now, config.houseTimeZone);
	const marker = `${memberId.slice(0, 8)}:${day}`;
	if (cookies.get(COOKIE) === marker) return;
	await db.transaction((tx) =>
		recordEngagement(
			tx,
			{
				memberId,
				kind: 'daily_visit',
				source: 'portal',
				idempotencyKey: `visit:${memberId}:${day}`,
				occurredAt: now
			},
			{ now }
		)
	);
	cookies.set(COOKIE, marker, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config.cookieSecure,
		maxAge: 86400
	});
}
