// Races on a real Postgres: many claims at once over separate connections and a second pool
// standing in for a second app instance. PGlite runs one transaction at a time and would hide them.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type Database, type DatabaseHandle } from '$lib/server/db/connect';
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
