// Races on a real Postgres: many claims at once over separate connections and a second pool
// standing in for a second app instance. PGlite runs one transaction at a time and would hide them.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, rowsOf, type Database, type DatabaseHandle } from '$lib/server/db/connect';
import { auditLog, presaleClaims } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { claimSeats, registerForDraw, releaseClaim } from '$lib/server/tickets/claims';
import { runDraw, runTicketsDueWork } from '$lib/server/tickets/draws';
import { onPostgres } from './harness';
import { HOUR, newEvent, newMembers, windowRow } from './tickets-helpers';

const now = new Date();
const at = (hours: number) => new Date(now.getTime() + hours * HOUR);

async function activeClaims(db: Database, windowId: number) {
	return db
		.select()
		.from(presaleClaims)
		.where(and(eq(presaleClaims.windowId, windowId), inArray(presaleClaims.status, ['offered', 'claimed'])));
}

onPostgres('tickets under concurrency', (t) => {
	let second: DatabaseHandle;
	/** Alternate between the two "app instances". */
	const pool = (i: number): Database => (i % 2 === 0 ? t.db : second.db);

	beforeAll(async () => {
		second = await openPostgres(t.url, { max: 10 });
		await seedEssentials(t.db);
	});
	afterAll(async () => {
		await second?.close();
	});

	it('500 members claiming 10 seats at once: exactly 10 claimed, 0 left, distinct codes', async () => {
		const members = await newMembers(t.db, 500, 3);
		const { windows } = await newEvent(t.db, now, [
			{ minRank: 3, opensAt: at(-1), closesAt: at(24), allocation: 10, perMemberLimit: 2 }
		]);
		const w = windows[0];
		const results = await Promise.all(
			members.map((memberId, i) => claimSeats(pool(i), { windowId: w.id, memberId, seats: 1 }))
		);
		const ok = results.filter((r) => r.ok);
		expect(ok).toHaveLength(10);
		const refusals = results.flatMap((r) => (r.ok ? [] : [r.refusal.code]));
		expect(new Set(refusals)).toEqual(new Set(['sold_out']));
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(0);
		const claims = await activeClaims(t.db, w.id);
		expect(claims.reduce((n, c) => n + c.seats, 0)).toBe(10);
		expect(new Set(claims.map((c) => c.code)).size).toBe(10);
		expect(new Set(claims.map((c) => c.memberId)).size).toBe(10);
	});

	it('one member firing 50 claims at once with a limit of 2 gets exactly 2 seats', async () => {
		const [member] = await newMembers(t.db, 1, 3);
		const { windows } = await newEvent(t.db, now, [
			{ minRank: 3, opensAt: at(-1), closesAt: at(24), allocation: 100, perMemberLimit: 2 }
		]);
		const w = windows[0];
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				claimSeats(pool(i), { windowId: w.id, memberId: member, seats: 1 })
			)
		);
		expect(results.filter((r) => r.ok)).toHaveLength(2);
		expect(results.every((r) => r.ok || r.refusal.code === 'limit_reached')).toBe(true);
		const claims = await activeClaims(t.db, w.id);
		expect(claims.reduce((n, c) => n + c.seats, 0)).toBe(2);
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(98);
	});

	it('a mixed rush over two instances: every answer is the one the fan would get alone, points once per claim', async () => {
		const patrons = await newMembers(t.db, 150, 3);
		const fans = await newMembers(t.db, 50, 1);
		const { windows } = await newEvent(t.db, now, [
			{ minRank: 3, opensAt: at(-1), closesAt: at(24), allocation: 120, perMemberLimit: 2 }
		]);
		const w = windows[0];
		// Patrons ask for 1, 2 or 3 seats (3 is over the limit); every tenth asks twice at once.
		const asks = [
			...patrons.map((memberId, i) => ({ memberId, seats: (i % 3) + 1 })),
			...patrons.filter((_, i) => i % 10 === 0).map((memberId) => ({ memberId, seats: 1 })),
			...fans.map((memberId) => ({ memberId, seats: 1 }))
		].sort(() => Math.random() - 0.5);
		const results = await Promise.all(asks.map((a, i) => claimSeats(pool(i), { windowId: w.id, ...a })));
		const codes = (i: number) =>
			results[i].ok ? 'ok' : (results[i] as { refusal: { code: string } }).refusal.code;
		asks.forEach((a, i) => {
			if (fans.includes(a.memberId)) expect(codes(i)).toBe('not_eligible');
			else if (a.seats === 3) expect(codes(i)).toBe('bad_seats');
			else expect(['ok', 'sold_out', 'not_enough', 'limit_reached']).toContain(codes(i));
		});
		const claims = await activeClaims(t.db, w.id);
		const held = claims.reduce((n, c) => n + c.seats, 0);
		expect(held + (await windowRow(t.db, w.id)).seatsRemaining).toBe(120);
		expect(held).toBe(120); // 100 patrons ask for 1 or 2 seats: the rush wants more than 120
		const perMember = new Map<string, number>();
		for (const c of claims) perMember.set(c.memberId, (perMember.get(c.memberId) ?? 0) + c.seats);
		expect(Math.max(...perMember.values())).toBeLessThanOrEqual(2);
		expect(new Set(claims.map((c) => c.code)).size).toBe(claims.length);
		// Each claim's points, once, and nothing for a refusal.
		const points = rowsOf<{ member_id: string; n: number }>(
			await t.db.execute(sql`select member_id, count(*)::int as n from engagements
				where kind = 'presale_claim' and object = ${`event:${w.eventId}`} group by member_id`)
		);
		expect(new Map(points.map((p) => [p.member_id, p.n]))).toEqual(
			new Map(
				[...new Set(claims.map((c) => c.memberId))].map((m) => [
					m,
					claims.filter((c) => c.memberId === m).length
				])
			)
		);
	});

	it('claims and releases interleaved never oversell or go negative', async () => {
		const members = await newMembers(t.db, 60, 3);
		const { windows } = await newEvent(t.db, now, [
			{ minRank: 3, opensAt: at(-1), closesAt: at(24), allocation: 5, perMemberLimit: 1 }
		]);
		const w = windows[0];
		const first = await Promise.all(
			members.slice(0, 20).map((m, i) => claimSeats(pool(i), { windowId: w.id, memberId: m, seats: 1 }))
		);
		const held = first.flatMap((r) => (r.ok ? [r.claim] : []));
		expect(held).toHaveLength(5);
		// Every holder releases while 40 others try to claim, across both instances.
		await Promise.all([
			...held.map((c, i) => releaseClaim(pool(i), { claimId: c.id, memberId: c.memberId })),
			...members.slice(20).map((m, i) => claimSeats(pool(i + 1), { windowId: w.id, memberId: m, seats: 1 }))
		]);
		const claims = await activeClaims(t.db, w.id);
		const remaining = (await windowRow(t.db, w.id)).seatsRemaining;
		expect(remaining).toBeGreaterThanOrEqual(0);
		expect(claims.reduce((n, c) => n + c.seats, 0) + remaining).toBe(5);
	});

	it('two instances ticking at once draw a window exactly once', async () => {
		const members = await newMembers(t.db, 40, 2);
		const { windows } = await newEvent(t.db, now, [
			{ mode: 'draw', minRank: 1, opensAt: at(-2), closesAt: at(1), allocation: 8, perMemberLimit: 1 }
		]);
		const w = windows[0];
		await Promise.all(
			members.map((m, i) => registerForDraw(pool(i), { windowId: w.id, memberId: m, seats: 1, now: at(-1) }))
		);
		await Promise.all([
			runTicketsDueWork(t.db, at(1)),
			runTicketsDueWork(second.db, at(1)),
			runDraw(t.db, w.id, { now: at(1) }),
			runDraw(second.db, w.id, { now: at(1), early: true })
		]);
		const audits = await t.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'presale.draw'), eq(auditLog.subjectId, String(w.id))));
		expect(audits).toHaveLength(1);
		const offers = await activeClaims(t.db, w.id);
		expect(offers).toHaveLength(8);
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(0);
	});

	it('winners releasing at once pass their seats down the waitlist in drawn order, each seat once', async () => {
		const members = await newMembers(t.db, 30, 2);
		const { windows } = await newEvent(t.db, now, [
			{ mode: 'draw', minRank: 1, opensAt: at(-2), closesAt: at(-1), allocation: 5, perMemberLimit: 1 }
		]);
		const w = windows[0];
		await Promise.all(
			members.map((m, i) =>
				registerForDraw(pool(i), { windowId: w.id, memberId: m, seats: 1, now: at(-1.5) })
			)
		);
		await runDraw(t.db, w.id, {});
		const winners = await activeClaims(t.db, w.id);
		expect(winners).toHaveLength(5);
		await Promise.all([
			...winners.map((c, i) => releaseClaim(pool(i), { claimId: c.id, memberId: c.memberId })),
			runTicketsDueWork(t.db, new Date()),
			runTicketsDueWork(second.db, new Date())
		]);
		const after = await activeClaims(t.db, w.id);
		expect(after).toHaveLength(5);
		const positions = await t.db.execute(sql`
			select e.draw_position as p from presale_claims c join presale_entries e on e.id = c.entry_id
			where c.window_id = ${w.id} and c.status in ('offered', 'claimed') order by 1`);
		expect((positions as unknown as { p: number }[]).map((r) => Number(r.p))).toEqual([6, 7, 8, 9, 10]);
		expect((await windowRow(t.db, w.id)).seatsRemaining).toBe(0);
	});
});
