import { and, eq, inArray } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditLog, engagements, inboxItems, presaleClaims, presaleEntries } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { checkInMember } from '$lib/server/door/check-in';
import { claimSeats, confirmOffer, registerForDraw, releaseClaim } from '$lib/server/tickets/claims';
import { formatPresaleCode } from '$lib/server/tickets/codes';
import { runWeightedDraw } from '$lib/server/tickets/draw';
import { runDraw, runTicketsDueWork } from '$lib/server/tickets/draws';
import { codesCsv, listEventsForMember, listMemberTickets } from '$lib/server/tickets/store';
import { recordMissingClaimPoints } from '$lib/server/tickets/claim-points';
import { forEachDriver } from './harness';
import { HOUR, newEvent, newMembers, windowRow } from './tickets-helpers';

const now = new Date('2026-12-01T10:00:00Z');
const at = (hours: number) => new Date(now.getTime() + hours * HOUR);

forEachDriver('tickets', (t) => {
	it('first come: claims a code at once, refuses with the reason and changes nothing, releases seats back', async () => {
		await seedEssentials(t.db);
		const [patron] = await newMembers(t.db, 1, 3);
		const [fan] = await newMembers(t.db, 1, 1);
		const { windows } = await newEvent(t.db, now, [
			{ minRank: 3, opensAt: at(-1), closesAt: at(24), allocation: 3, perMemberLimit: 2 }
		]);
		const w = windows[0];

		const refused = await claimSeats(t.db, { windowId: w.id, memberId: fan, seats: 1, now });
		expect(refused).toMatchObject({
			ok: false,
			refusal: { code: 'not_eligible', message: 'This window is for Patrons and up.' }
		});

		const first = await claimSeats(t.db, { windowId: w.id, memberId: patron, seats: 2, now });
		expect(first.ok).toBe(true);
		if (!first.ok) return;
		expect(first.claim).toMatchObject({ status: 'claimed', seats: 2 });
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(1);

		const over = await claimSeats(t.db, { windowId: w.id, memberId: patron, seats: 1, now });
		expect(over).toMatchObject({ ok: false, refusal: { code: 'limit_reached' } });
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(1);

		// Engagement: 50 points once per event.
		const ledger = await t.db.select().from(engagements).where(eq(engagements.memberId, patron));
		expect(ledger.map((e) => [e.kind, e.points, e.object])).toEqual([
			['presale_claim', 50, `event:${w.eventId}`]
		]);

		const [ev] = await listEventsForMember(
			t.db,
			patron,
			now,
			(await listMemberTickets(t.db, patron, now))[0].event.slug
		);
		expect(ev.windows[0].state.label).toBe('You have 2 seats — your code is ready');

		// Staff on another event's page cannot release it.
		const elsewhere = await releaseClaim(t.db, {
			claimId: first.claim.id,
			actorId: patron,
			eventId: w.eventId + 1
		});
		expect(elsewhere).toMatchObject({ ok: false, refusal: { message: 'No such claim.' } });
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(1);

		const released = await releaseClaim(t.db, { claimId: first.claim.id, memberId: patron, now: at(1) });
		expect(released.ok).toBe(true);
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(3);
		const again = await releaseClaim(t.db, { claimId: first.claim.id, memberId: patron, now: at(1) });
		expect(again.ok).toBe(false);
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(3);

		const closed = await claimSeats(t.db, { windowId: w.id, memberId: patron, seats: 1, now: at(25) });
		expect(closed).toMatchObject({ ok: false, refusal: { code: 'closed' } });
	});

	it('a claim whose points were lost after commit gets them from the sweep, once', async () => {
		await seedEssentials(t.db);
		const [patron] = await newMembers(t.db, 1, 3);
		const { windows } = await newEvent(t.db, now, [
			{ minRank: 3, opensAt: at(-1), closesAt: at(24), allocation: 5, perMemberLimit: 2 }
		]);
		const w = windows[0];
		// As if the process stopped between the claim's commit and its points.
		await t.db.insert(presaleClaims).values({
			windowId: w.id,
			eventId: w.eventId,
			memberId: patron,
			seats: 1,
			status: 'claimed',
			code: 'SWEEPTEST1',
			createdAt: at(-0.5),
			claimedAt: at(-0.5)
		});
		const ledger = () =>
			t.db
				.select()
				.from(engagements)
				.where(and(eq(engagements.memberId, patron), eq(engagements.kind, 'presale_claim')));
		expect(await ledger()).toHaveLength(0);
		expect(await recordMissingClaimPoints(t.db, now)).toBe(1);
		expect((await ledger()).map((e) => [e.points, e.occurredAt.getTime()])).toEqual([
			[50, at(-0.5).getTime()]
		]);
		expect(await recordMissingClaimPoints(t.db, now)).toBe(0);
		// A claim made through the queue has its points already: the sweep leaves it alone.
		const claimed = await claimSeats(t.db, { windowId: w.id, memberId: patron, seats: 1, now: at(-0.25) });
		expect(claimed.ok).toBe(true);
		expect(await recordMissingClaimPoints(t.db, now)).toBe(0);
	});

	it('rolls unclaimed seats to the next window at close, once, and then points at the public sale', async () => {
		const [patron] = await newMembers(t.db, 1, 3);
		const { windows, eventId } = await newEvent(t.db, now, [
			{ minRank: 3, opensAt: at(-2), closesAt: at(-1), allocation: 5 },
			{ minRank: 1, opensAt: at(1), closesAt: at(5), allocation: 10 }
		]);
		await claimSeats(t.db, { windowId: windows[0].id, memberId: patron, seats: 1, now: at(-1.5) });
		await runTicketsDueWork(t.db, now);
		await runTicketsDueWork(t.db, now);
		expect(await windowRow(t.db, windows[0].id)).toMatchObject({ seatsRemaining: 0 });
		expect(await windowRow(t.db, windows[1].id)).toMatchObject({ seatsRemaining: 14, rolledIn: 4 });
		const [ev] = (await listEventsForMember(t.db, patron, at(6))).filter((e) => e.id === eventId);
		expect(ev.publicSaleNext).toBe(true);
	});

	it('draw: registers, draws once at close with a recorded seed, winners confirm, waitlist moves up', async () => {
		const members = await newMembers(t.db, 6, 2);
		const { windows, eventId } = await newEvent(t.db, now, [
			{
				mode: 'draw',
				minRank: 1,
				opensAt: at(-1),
				closesAt: at(2),
				allocation: 2,
				perMemberLimit: 1,
				claimHours: 24
			}
		]);
		const w = windows[0];
		for (const m of members) {
			const r = await registerForDraw(t.db, { windowId: w.id, memberId: m, seats: 1, now });
			expect(r.ok).toBe(true);
		}
		expect(
			await registerForDraw(t.db, { windowId: w.id, memberId: members[0], seats: 1, now })
		).toMatchObject({
			ok: false,
			refusal: { code: 'already_registered' }
		});
		expect(await runDraw(t.db, w.id, { now })).toEqual({ status: 'skipped', reason: 'not-closed' });

		await runTicketsDueWork(t.db, at(2));
		await runTicketsDueWork(t.db, at(2.1));
		const drawn = await windowRow(t.db, w.id);
		expect(drawn.drawSeed).toMatch(/^[0-9a-f]{64}$/);
		expect(drawn.seatsRemaining).toBe(0);
		const audits = await t.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'presale.draw'), eq(auditLog.subjectId, String(w.id))));
		expect(audits).toHaveLength(1);

		// Replaying the recorded seed gives the recorded order.
		const entries = await t.db.select().from(presaleEntries).where(eq(presaleEntries.windowId, w.id));
		const replay = runWeightedDraw(entries, 2, drawn.drawWeights, drawn.drawSeed!, drawn.drawnAt!);
		const recorded = [...entries].sort((a, b) => a.drawPosition! - b.drawPosition!).map((e) => e.memberId);
		expect(replay.map((d) => d.memberId)).toEqual(recorded);

		const offers = await t.db.select().from(presaleClaims).where(eq(presaleClaims.windowId, w.id));
		expect(offers).toHaveLength(2);
		expect(offers.every((o) => o.status === 'offered')).toBe(true);
		const [winnerA, winnerB] = recorded;
		const third = recorded[2];
		const view = await listEventsForMember(t.db, third, at(2.1));
		expect(view.find((e) => e.id === eventId)!.windows[0].state.label).toBe('Waitlist position 1');
		const inbox = await t.db.select().from(inboxItems).where(eq(inboxItems.memberId, winnerA));
		expect(inbox.map((i) => i.kind)).toContain('presale_draw_won');

		// Winner A confirms; winner B releases: the seat goes to the first on the waitlist.
		const offerA = offers.find((o) => o.memberId === winnerA)!;
		expect((await confirmOffer(t.db, { claimId: offerA.id, memberId: winnerA, now: at(3) })).ok).toBe(true);
		const offerB = offers.find((o) => o.memberId === winnerB)!;
		expect((await releaseClaim(t.db, { claimId: offerB.id, memberId: winnerB, now: at(3) })).ok).toBe(true);
		const [promoted] = await t.db
			.select()
			.from(presaleClaims)
			.where(and(eq(presaleClaims.memberId, third), eq(presaleClaims.windowId, w.id)));
		expect(promoted).toMatchObject({ status: 'offered', seats: 1 });

		// The promoted fan lets the deadline pass: due work hands it to the next.
		await runTicketsDueWork(t.db, at(3 + 25));
		const fourth = recorded[3];
		const active = await t.db
			.select()
			.from(presaleClaims)
			.where(and(eq(presaleClaims.windowId, w.id), inArray(presaleClaims.status, ['offered', 'claimed'])));
		expect(active.map((c) => c.memberId).sort()).toEqual([winnerA, fourth].sort());
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(0);
		expect(await confirmOffer(t.db, { claimId: promoted.id, memberId: third, now: at(30) })).toMatchObject({
			ok: false
		});
		const told = await t.db.select().from(inboxItems).where(eq(inboxItems.memberId, third));
		expect(told.map((i) => i.kind)).toEqual(
			expect.arrayContaining(['presale_draw_waitlist', 'presale_offer', 'presale_offer_expired'])
		);
	});

	it('door: a claimed code checks in once with venue_checkin points; released or unknown codes are refused', async () => {
		const [patron, staff] = await newMembers(t.db, 2, 3);
		const { windows, eventId } = await newEvent(t.db, now, [
			{ opensAt: at(-1), closesAt: at(24), allocation: 5 }
		]);
		const claim = await claimSeats(t.db, { windowId: windows[0].id, memberId: patron, seats: 2, now });
		if (!claim.ok) throw new Error('claim refused');
		const code = formatPresaleCode(claim.claim.code);
		const first = await checkInMember(t.db, { code, venue: 'The Depot', staffId: staff, now: at(2) });
		expect(first).toMatchObject({
			status: 'checked-in',
			points: 100,
			ticket: { seats: 2 },
			member: { id: patron }
		});
		const second = await checkInMember(t.db, {
			code: code.toLowerCase(),
			venue: 'The Depot',
			staffId: staff,
			now: at(2)
		});
		expect(second).toMatchObject({ status: 'ticket-used', ticket: { seats: 2 } });
		expect(await checkInMember(t.db, { code: 'TKT-2222-3333-4444', staffId: staff, now: at(2) })).toEqual({
			status: 'invalid',
			reason: 'ticket-unknown'
		});
		const checkins = await t.db
			.select()
			.from(engagements)
			.where(and(eq(engagements.memberId, patron), eq(engagements.kind, 'venue_checkin')));
		expect(checkins).toHaveLength(1);
		// A used code cannot be released any more.
		expect((await releaseClaim(t.db, { claimId: claim.claim.id, actorId: staff, now: at(3) })).ok).toBe(
			false
		);
		const csv = await codesCsv(t.db, eventId);
		expect(csv.split('\r\n')[0]).toBe(
			'code,status,seats,member,email,window,mode,created_at,claimed_at,checked_in_at'
		);
		expect(csv).toContain(`"${code}","claimed","2"`);
	});

	it('tells eligible members once when a window opens', async () => {
		const [patron] = await newMembers(t.db, 1, 3);
		const [fan] = await newMembers(t.db, 1, 1);
		const { windows } = await newEvent(t.db, now, [
			{ minRank: 3, opensAt: at(1), closesAt: at(5), allocation: 5 }
		]);
		await runTicketsDueWork(t.db, at(1));
		await runTicketsDueWork(t.db, at(1.5));
		const got = await t.db.select().from(inboxItems).where(eq(inboxItems.kind, 'presale_open'));
		const mine = got.filter((i) => i.dedupeKey?.startsWith(`presale-open:${windows[0].id}:`));
		// Other tests' patrons share this database; this patron hears once, the fan not at all.
		expect(mine.filter((i) => i.memberId === patron)).toHaveLength(1);
		expect(mine.map((i) => i.memberId)).not.toContain(fan);
	});
});
