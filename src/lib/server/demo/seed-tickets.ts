// Demo presale: one show three weeks out, with a first-come window open now for Patrons and up and
// a draw open to everyone (weighted towards higher tiers). Inserted once, keyed by its slug. The
// windows are seeded as already announced: an opening notice to every fan at the first scheduler
// tick would land in inboxes at an unpredictable moment (and in the middle of other journeys).
import { eq } from 'drizzle-orm';
import type { Database } from '../db';
import { events, presaleWindows } from '../db/schema';
import { calendarDay } from '$lib/time';
import { houseTimeZone } from '../house';
import { wallClockToInstant } from '../house-time';

export const DEMO_EVENT_SLUG = 'live-at-the-tram-depot';

const DAY = 24 * 3600_000;

/** 20:00 local time `days` from now, in the house's zone. */
function eveningIn(days: number, now: Date): Date {
	const zone = houseTimeZone();
	const evening = wallClockToInstant(`${calendarDay(now.getTime() + days * DAY, zone)}T20:00`, zone);
	if (!evening.ok) throw new Error(evening.message);
	return evening.at;
}

export async function seedTickets(db: Database, now = new Date()): Promise<void> {
	const [existing] = await db.select({ id: events.id }).from(events).where(eq(events.slug, DEMO_EVENT_SLUG));
	if (existing) return;
	const hour = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000);
	await db.transaction(async (tx) => {
		const [event] = await tx
			.insert(events)
			.values({
				slug: DEMO_EVENT_SLUG,
				title: 'Live at the Tram Depot',
				venue: 'Tram Depot, Ghent',
				startsAt: eveningIn(21, now),
				timeZone: houseTimeZone(),
				publicSaleAt: eveningIn(10, now),
				capacity: 100
			})
			.onConflictDoNothing({ target: events.slug })
			.returning();
		if (!event) return;
		await tx.insert(presaleWindows).values([
			{
				eventId: event.id,
				mode: 'first_come',
				minRank: 3,
				opensAt: new Date(hour.getTime() - 3600_000),
				closesAt: new Date(hour.getTime() + 3 * DAY),
				allocation: 40,
				seatsRemaining: 40,
				perMemberLimit: 2,
				openNotifiedAt: now
			},
			{
				eventId: event.id,
				mode: 'draw',
				minRank: 0,
				opensAt: new Date(hour.getTime() - 3600_000),
				closesAt: new Date(hour.getTime() + 5 * DAY),
				allocation: 60,
				seatsRemaining: 60,
				perMemberLimit: 2,
				claimHours: 48,
				openNotifiedAt: now,
				drawWeights: {
					tiers: { '0': 1, '1': 2, '2': 3, '3': 4, '4': 6 },
					tenurePerYear: 0.1,
					tenureCapYears: 5
				}
			}
		]);
	});
}
