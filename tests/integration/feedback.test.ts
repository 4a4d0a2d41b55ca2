// Feedback end to end on both drivers: the morning-after request (once per member and event, not to
// staff or opted-out members, not within the gap), the signed link, answers and their points, the
// figures by tier against plain SQL, and erasure of comments.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import { openPostgres, rowsOf, type Database, type DatabaseHandle } from '$lib/server/db/connect';
import { auditLog, engagements, feedbackRequests, inboxItems, memberTiers } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { recordEngagement } from '$lib/server/loyalty';
import { houseTimeZone } from '$lib/server/house';
import { startOfDay } from '$lib/server/house-time';
import { setPreference } from '$lib/server/notifications/unsubscribe';
import { deleteAccount } from '$lib/server/privacy';
import {
	answerRequest,
	askWhyCancelled,
	cancellationReasons,
	pendingCancellationLink,
	feedbackLink,
	npsFromCounts,
	requestFromToken,
	runFeedbackDueWork,
	getFeedbackSettings,
	saveFeedbackSettings,
	listComments,
	scoresByDrop,
	scoresByEvent,
	scoresByMonth,
	scoresByTier,
	tagsInUse
} from '$lib/server/feedback';
import { forEachDriver, onPostgres, uniqueEmail } from './harness';

const zone = houseTimeZone();
const HOUR = 3_600_000;

async function fan(db: Database, role: 'fan' | 'staff' = 'fan') {
	const user = await insertUser(db, {
		email: uniqueEmail('fb'),
		displayName: 'Ada Fan',
		passwordHash: 'x',
		role
	});
	return user!;
}

/** A check-in on `day` at 20:00 house time, and the instant of noon the next day. */
async function checkIn(db: Database, memberId: string, day: string, venue = 'main-venue') {
	const at = new Date(startOfDay(day, zone)!.getTime() + 20 * HOUR);
	await recordEngagement(
		db,
		{
			memberId,
			kind: 'venue_checkin',
			object: `venue:${venue}:${day}`,
			occurredAt: at,
			source: 'test',
			idempotencyKey: `checkin:${memberId}:${venue}:${day}`
		},
		{ now: at }
	);
	return new Date(startOfDay(day, zone, 1)!.getTime() + 12 * HOUR);
}

const requestsOf = (db: Database, memberId: string) =>
	db.select().from(feedbackRequests).where(eq(feedbackRequests.memberId, memberId));

forEachDriver('feedback', (t) => {
	beforeAll(async () => {
		await seedEssentials(t.db);
	});

	it('asks the morning after a check-in, once, through the inbox; not staff, not opted out', async () => {
		const [a, staff, out] = [await fan(t.db), await fan(t.db, 'staff'), await fan(t.db)];
		await setPreference(t.db, out.id, 'feedback_request', 'email', false);
		await setPreference(t.db, out.id, 'feedback_request', 'push', false);
		let noon = new Date();
		for (const m of [a, staff, out]) noon = await checkIn(t.db, m.id, '2026-11-10');
		// Before the morning: nothing yet.
		const early = new Date(startOfDay('2026-11-11', zone)!.getTime() + 6 * HOUR);
		await runFeedbackDueWork(t.db, early);
		expect(await requestsOf(t.db, a.id)).toHaveLength(0);
		await runFeedbackDueWork(t.db, noon);
		await runFeedbackDueWork(t.db, new Date(noon.getTime() + HOUR));
		const mine = await requestsOf(t.db, a.id);
		expect(mine).toHaveLength(1);
		expect(mine[0]).toMatchObject({ kind: 'checkin', subject: 'venue:main-venue:2026-11-10' });
		const inbox = await t.db
			.select()
			.from(inboxItems)
			.where(and(eq(inboxItems.memberId, a.id), eq(inboxItems.kind, 'feedback_request')));
		expect(inbox).toHaveLength(1);
		expect(inbox[0].link).toMatch(/^\/feedback\/[\w.~-]+$/);
		expect(await requestsOf(t.db, staff.id)).toHaveLength(0);
		expect(await requestsOf(t.db, out.id)).toHaveLength(0);
	});

	it('a settings change is audited with who changed what from what', async () => {
		const staff = await fan(t.db, 'staff');
		const before = await getFeedbackSettings(t.db);
		await saveFeedbackSettings(t.db, { ...before, gapDays: 14 }, staff.id);
		expect((await getFeedbackSettings(t.db)).gapDays).toBe(14);
		const [entry] = await t.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.actorId, staff.id), eq(auditLog.action, 'feedback.settings_changed')));
		expect(entry.details).toMatchObject({ before: { gapDays: before.gapDays }, after: { gapDays: 14 } });
		// Put back: the other tests keep the default seven days.
		await saveFeedbackSettings(t.db, before, staff.id);
		expect((await getFeedbackSettings(t.db)).gapDays).toBe(before.gapDays);
	});

	it('keeps seven days between requests', async () => {
		const m = await fan(t.db);
		const firstNoon = await checkIn(t.db, m.id, '2026-11-14');
		await runFeedbackDueWork(t.db, firstNoon);
		const secondNoon = await checkIn(t.db, m.id, '2026-11-17');
		await runFeedbackDueWork(t.db, secondNoon);
		expect(await requestsOf(t.db, m.id)).toHaveLength(1);
		const thirdNoon = await checkIn(t.db, m.id, '2026-11-21');
		await runFeedbackDueWork(t.db, thirdNoon);
		expect(await requestsOf(t.db, m.id)).toHaveLength(2);
	});

	it('answers from the signed link: points once, one change, then final; a forged link is refused', async () => {
		const m = await fan(t.db);
		const noon = await checkIn(t.db, m.id, '2026-11-24');
		await runFeedbackDueWork(t.db, noon);
		const [request] = await requestsOf(t.db, m.id);
		const link = await feedbackLink(t.db, request);
		const token = link.split('/').pop()!;
		const found = await requestFromToken(t.db, token, noon);
		expect(found).toMatchObject({ ok: true, open: true });
		const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
		expect(await requestFromToken(t.db, forged, noon)).toMatchObject({ ok: false, status: 400 });
		expect(await requestFromToken(t.db, token, new Date(noon.getTime() + 40 * 24 * HOUR))).toMatchObject({
			ok: false,
			status: 410
		});

		expect(
			await answerRequest(t.db, request.id, { score: 6, comment: null, reason: null }, noon)
		).toMatchObject({
			ok: false,
			field: 'score'
		});
		expect(
			await answerRequest(t.db, request.id, { score: 4, comment: 'Great sound', reason: null }, noon)
		).toEqual({ ok: true, replaced: false, points: 5 });
		expect(
			await answerRequest(t.db, request.id, { score: 5, comment: 'Great sound!', reason: null }, noon)
		).toMatchObject({ ok: true, replaced: true, points: 0 });
		expect(
			await answerRequest(t.db, request.id, { score: 1, comment: null, reason: null }, noon)
		).toMatchObject({ ok: false, field: 'form' });
		const [after] = await requestsOf(t.db, m.id);
		expect(after).toMatchObject({ score: 5, comment: 'Great sound!', answers: 2 });
		const points = await t.db
			.select()
			.from(engagements)
			.where(and(eq(engagements.memberId, m.id), eq(engagements.kind, 'feedback_given')));
		expect(points).toHaveLength(1);
	});

	it('NPS and satisfaction by tier equal plain SQL on a fixture', async () => {
		const now = new Date('2026-11-01T12:00:00Z');
		const fixture: { rank: number; kind: 'nps' | 'checkin'; score: number | null }[] = [
			{ rank: 0, kind: 'nps', score: 10 },
			{ rank: 0, kind: 'nps', score: 3 },
			{ rank: 0, kind: 'nps', score: 8 },
			{ rank: 0, kind: 'checkin', score: 3 },
			{ rank: 0, kind: 'checkin', score: null },
			{ rank: 1, kind: 'nps', score: 9 },
			{ rank: 1, kind: 'checkin', score: 5 },
			{ rank: 1, kind: 'checkin', score: 4 }
		];
		for (const [i, f] of fixture.entries()) {
			const m = await fan(t.db);
			await t.db.insert(feedbackRequests).values({
				memberId: m.id,
				kind: f.kind,
				subject: `fixture:${i}`,
				rank: f.rank,
				sentAt: now,
				score: f.score,
				answeredAt: f.score == null ? null : now,
				answers: f.score == null ? 0 : 1
			});
		}
		const plain = rowsOf<{
			rank: number;
			p: string | number;
			d: string | number;
			n: string | number;
			sat: string | null;
		}>(
			await t.db.execute(sql`
				select rank,
					sum(case when kind = 'nps' and score >= 9 then 1 else 0 end) as p,
					sum(case when kind = 'nps' and score <= 6 then 1 else 0 end) as d,
					sum(case when kind = 'nps' and score is not null then 1 else 0 end) as n,
					round(avg(case when kind <> 'nps' then score end), 1) as sat
				from feedback_requests group by rank order by rank`)
		);
		const ours = await scoresByTier(t.db);
		// The staff page's other tables answer on this driver too.
		expect((await scoresByMonth(t.db, zone)).length).toBeGreaterThan(0);
		await scoresByEvent(t.db);
		await scoresByDrop(t.db);
		await tagsInUse(t.db);
		await listComments(t.db, { kind: 'nps', rank: 0, tag: 'sound', mood: 'low' });
		for (const p of plain) {
			const row = ours.find((o) => o.key === String(p.rank))!;
			expect(row.nps).toBe(npsFromCounts(Number(p.p), Number(p.d), Number(p.n)));
			expect(row.satisfaction).toBe(p.sat == null ? null : Number(p.sat));
		}
	});

	it('a cancelling patron is asked why, once; the reason feeds why patrons left by tier', async () => {
		const m = await fan(t.db);
		await askWhyCancelled(t.db, {
			memberId: m.id,
			subscriptionRef: 'sub_x1',
			tierName: 'Insider',
			tell: true
		});
		await askWhyCancelled(t.db, {
			memberId: m.id,
			subscriptionRef: 'sub_x1',
			tierName: 'Insider',
			tell: true
		});
		const link = await pendingCancellationLink(t.db, m.id);
		expect(link).toMatch(/^\/feedback\//);
		const [request] = await requestsOf(t.db, m.id);
		expect(
			await answerRequest(t.db, request.id, { score: null, comment: null, reason: 'too_expensive' })
		).toMatchObject({ ok: true });
		expect(await pendingCancellationLink(t.db, m.id)).toBeNull();
		const inbox = await t.db.select().from(inboxItems).where(eq(inboxItems.memberId, m.id));
		expect(inbox).toHaveLength(1);
		expect(
			(await cancellationReasons(t.db)).find((r) => r.reason === 'too_expensive')?.count
		).toBeGreaterThan(0);
	});

	it('erasing an account erases its comments and keeps the score', async () => {
		const m = await fan(t.db);
		const noon = await checkIn(t.db, m.id, '2026-11-27');
		await runFeedbackDueWork(t.db, noon);
		const [request] = await requestsOf(t.db, m.id);
		await answerRequest(
			t.db,
			request.id,
			{ score: 2, comment: 'Ada here: the queue was long', reason: null },
			noon
		);
		expect((await deleteAccount(t.db, m.id, 'member')).ok).toBe(true);
		const [after] = await requestsOf(t.db, m.id);
		expect(after).toMatchObject({ score: 2, comment: null });
	});
});

onPostgres('feedback across two app instances', (t) => {
	let second: DatabaseHandle;
	beforeAll(async () => {
		second = await openPostgres(t.url, { max: 10 });
		await seedEssentials(t.db);
	});
	afterAll(async () => {
		await second?.close();
	});

	it('two runners at once ask each member once per show', async () => {
		const members = await Promise.all(Array.from({ length: 30 }, () => fan(t.db)));
		let noon = new Date();
		for (const m of members) {
			noon = await checkIn(t.db, m.id, '2026-11-03');
			await checkIn(t.db, m.id, '2026-11-03', 'side-hall');
		}
		await t.db.update(memberTiers).set({ rank: 0 });
		await Promise.all(
			Array.from({ length: 6 }, (_, i) => runFeedbackDueWork(i % 2 ? t.db : second.db, noon))
		);
		for (const m of members) {
			expect(await requestsOf(t.db, m.id)).toHaveLength(1);
			const inbox = await t.db
				.select()
				.from(inboxItems)
				.where(and(eq(inboxItems.memberId, m.id), eq(inboxItems.kind, 'feedback_request')));
			expect(inbox).toHaveLength(1);
		}
	});
});
