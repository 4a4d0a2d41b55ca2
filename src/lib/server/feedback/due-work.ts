// The scheduled asks: the morning after a check-in or a presale claim (house time), and the
// relationship survey. One run at a time across app instances: each run holds the settings row's
// lock, so the 7-day gap and "once per member and event" hold with several instances ticking.
import { and, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { calendarDay } from '$lib/time';
import { rowsOf, type Database, type Queryable } from '../db';
import { engagements, events, feedbackSettings, presaleClaims } from '../db/schema';
import { houseTimeZone } from '../house';
import { startOfDay } from '../house-time';
import { CHECK_IN_KIND, venueSlug } from '../door';
import { askMembers, getFeedbackSettings, type Ask } from './store';
import { DAY_MS } from './rules';

/** Check-ins and claims this many house days back are still asked about (the server may have been down). */
const LOOK_BACK_DAYS = 2;
/** Relationship surveys sent per run at most (spread over the days, not a wave). */
const NPS_PER_RUN = 25;
/** Members are asked the relationship survey once they have been members this long. */
const NPS_AFTER_DAYS = 30;

function addDays(day: string, n: number): string {
	const d = new Date(`${day}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

/** The house days whose "morning after" has come by `now`, newest first. */
export function daysDue(now: Date, zone: string, morningHour: number): string[] {
	const today = calendarDay(now, zone);
	const morning = startOfDay(today, zone)!.getTime() + morningHour * 3_600_000;
	const days: string[] = [];
	for (let back = now.getTime() >= morning ? 1 : 2; back <= LOOK_BACK_DAYS; back++)
		days.push(addDays(today, -back));
	return days;
}

async function checkInAsks(tx: Queryable, days: string[], zone: string): Promise<Ask[]> {
	if (days.length === 0) return [];
	const checkIns = await tx
		.select({
			memberId: engagements.memberId,
			object: engagements.object,
			day: engagements.day,
			at: sql<string>`min(${engagements.occurredAt})`
		})
		.from(engagements)
		.where(and(inArray(engagements.day, days), eq(engagements.kind, CHECK_IN_KIND)))
		.groupBy(engagements.memberId, engagements.object, engagements.day)
		.orderBy(sql`min(${engagements.occurredAt})`);
	if (checkIns.length === 0) return [];
	const from = startOfDay(days[days.length - 1], zone)!;
	const to = startOfDay(days[0], zone, 1)!;
	const shows = await tx
		.select({ id: events.id, title: events.title, venue: events.venue, startsAt: events.startsAt })
		.from(events)
		.where(and(gte(events.startsAt, from), lt(events.startsAt, to)));
	return checkIns.map((c) => {
		const [, slug = 'main-venue'] = (c.object ?? '').split(':');
		const sameDay = shows.filter((s) => calendarDay(s.startsAt, zone) === c.day);
		const show =
			sameDay.find((s) => venueSlug(s.venue) === slug) ?? (sameDay.length === 1 ? sameDay[0] : null);
		const label = show ? show.title : `Your visit on ${c.day}`;
		return {
			memberId: c.memberId,
			kind: 'checkin' as const,
			subject: show ? `event:${show.id}` : `venue:${slug}:${c.day}`,
			subjectLabel: label,
			eventId: show?.id ?? null,
			title: show ? `How was ${show.title}?` : 'How was your evening with us?',
			body: 'One tap tells us how it went, and a line if you like. It takes ten seconds.'
		};
	});
}

async function presaleAsks(tx: Queryable, days: string[], zone: string): Promise<Ask[]> {
	if (days.length === 0) return [];
	const from = startOfDay(days[days.length - 1], zone)!;
	const to = startOfDay(days[0], zone, 1)!;
	const claims = await tx
		.select({
			memberId: presaleClaims.memberId,
			windowId: presaleClaims.windowId,
			eventId: presaleClaims.eventId,
			title: events.title
		})
		.from(presaleClaims)
		.innerJoin(events, eq(events.id, presaleClaims.eventId))
		.where(
			and(
				eq(presaleClaims.status, 'claimed'),
				isNotNull(presaleClaims.claimedAt),
				gte(presaleClaims.claimedAt, from),
				lt(presaleClaims.claimedAt, to)
			)
		);
	return claims.map((c) => ({
		memberId: c.memberId,
		kind: 'presale' as const,
		subject: `presale:${c.windowId}`,
		subjectLabel: `Presale: ${c.title}`,
		eventId: c.eventId,
		title: `How was getting your tickets for ${c.title}?`,
		body: 'One tap tells us how the presale went for you.'
	}));
}

async function surveyAsks(tx: Queryable, now: Date, npsGapDays: number): Promise<Ask[]> {
	const joinedBefore = new Date(now.getTime() - NPS_AFTER_DAYS * DAY_MS);
	const since = new Date(now.getTime() - npsGapDays * DAY_MS);
	const rows = await tx.execute(sql`
		select u.id from users u
		where u.role = 'fan' and u.created_at < ${joinedBefore.toISOString()}::timestamptz and u.email not like '%@invalid'
			and not exists (select 1 from feedback_requests r where r.member_id = u.id and r.kind = 'nps' and r.sent_at >= ${since.toISOString()}::timestamptz)
		order by u.created_at
		limit ${NPS_PER_RUN * 4}`);
	const day = calendarDay(now, houseTimeZone());
	return rowsOf<{ id: string }>(rows).map((r) => ({
		memberId: r.id,
		kind: 'nps' as const,
		subject: `nps:${day}`,
		subjectLabel: 'How likely are you to recommend us?',
		title: 'Would you recommend us to a friend?',
		body: 'One tap from 0 to 10, and what would make it better. We read every answer.'
	}));
}

/** One tick: the morning-after asks, then a few relationship surveys. Idempotent and serialised. */
export async function runFeedbackDueWork(db: Database, now: Date): Promise<{ asked: number }> {
	return db.transaction(async (tx) => {
		await tx.insert(feedbackSettings).values({ id: 1 }).onConflictDoNothing();
		await tx
			.select({ id: feedbackSettings.id })
			.from(feedbackSettings)
			.where(eq(feedbackSettings.id, 1))
			.for('update');
		const settings = await getFeedbackSettings(tx);
		const zone = houseTimeZone();
		const days = daysDue(now, zone, settings.morningHour);
		const moments = [...(await checkInAsks(tx, days, zone)), ...(await presaleAsks(tx, days, zone))];
		let asked = await askMembers(tx, moments, now);
		if (days.length && days[0] === addDays(calendarDay(now, zone), -1)) {
			const surveys = (await surveyAsks(tx, now, settings.npsGapDays)).slice(0, NPS_PER_RUN * 4);
			asked += await askMembers(tx, surveys.slice(0, NPS_PER_RUN), now);
		}
		await tx.update(feedbackSettings).set({ scannedUntil: now }).where(eq(feedbackSettings.id, 1));
		return { asked };
	});
}
