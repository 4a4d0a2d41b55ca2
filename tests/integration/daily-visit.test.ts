// The daily visit: counted once per member per house day, and remembered in the session row, so
// a client that keeps no cookies makes no ledger work after its first request of the day.
import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createSession, generateSessionToken, insertUser, validateSessionToken } from '$lib/server/auth';
import type { Database } from '$lib/server/db/connect';
import { engagements } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { recordDailyVisit } from '$lib/server/loyalty';
import { forEachDriver, uniqueEmail } from './harness';

/** A database that fails the test if anything asks it for a statement. */
const untouchable = new Proxy({} as Database, {
	get(_, name) {
		throw new Error(`the database was used (${String(name)})`);
	}
});

forEachDriver('daily visit', (t) => {
	it('counts one visit a day, and a later request of the day reads nothing but the session', async () => {
		await seedEssentials(t.db);
		const user = await insertUser(t.db, { email: uniqueEmail('visit'), displayName: 'V', passwordHash: 'x' });
		const phone = generateSessionToken();
		const laptop = generateSessionToken();
		const morning = new Date('2026-03-10T08:00:00Z');
		await createSession(t.db, phone, user!.id, 'phone', morning);
		await createSession(t.db, laptop, user!.id, 'laptop', morning);
		const visits = async () =>
			(
				await t.db
					.select({ day: engagements.day, points: engagements.points })
					.from(engagements)
					.where(and(eq(engagements.memberId, user!.id), eq(engagements.kind, 'daily_visit')))
			).map((r) => r.day);

		const first = await validateSessionToken(t.db, phone, morning);
		expect(first.session?.visitedOn).toBeNull();
		await recordDailyVisit(t.db, first.session!, morning);
		expect(await visits()).toEqual(['2026-03-10']);

		// The next request of the day (no cookie of any kind kept): the session row already says so.
		const later = new Date('2026-03-10T17:00:00Z');
		const again = await validateSessionToken(t.db, phone, later);
		expect(again.session?.visitedOn).toBe('2026-03-10');
		await recordDailyVisit(untouchable, again.session!, later);

		// Another device the same day: the ledger refuses a second visit, and that session learns it too.
		const other = await validateSessionToken(t.db, laptop, later);
		await recordDailyVisit(t.db, other.session!, later);
		expect(await visits()).toEqual(['2026-03-10']);
		expect((await validateSessionToken(t.db, laptop, later)).session?.visitedOn).toBe('2026-03-10');

		// The next house day (Brussels is an hour ahead of UTC in March) counts again.
		const nextDay = new Date('2026-03-10T23:30:00Z');
		await recordDailyVisit(t.db, (await validateSessionToken(t.db, phone, nextDay)).session!, nextDay);
		expect((await visits()).sort()).toEqual(['2026-03-10', '2026-03-11']);
	});
});
