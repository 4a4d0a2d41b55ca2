// Seats moving between a window's counter, members and the next window. Every function here runs
// inside a transaction that already holds the window's row lock (lockWindow), so the counter, the
// per-member limit and the waitlist order are all decided one claim at a time per window.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db';
import {
	events,
	presaleClaims,
	presaleEntries,
	presaleWindows,
	type PresaleClaim,
	type PresaleWindow
} from '../db/schema';
import { notify, type NewInboxItem } from '../notifications';
import { generatePresaleCode } from './codes';
import { deadlineLabel, rolloverTarget, windowPhase } from './window-state';

export const ACTIVE_STATUSES = ['offered', 'claimed'] as const;

/** Takes the window's row lock for the rest of the transaction (and re-reads it under the lock). */
export async function lockWindow(tx: Queryable, windowId: number): Promise<PresaleWindow | undefined> {
	const [w] = await tx.select().from(presaleWindows).where(eq(presaleWindows.id, windowId)).for('update');
	return w;
}

/** Seats each of the members holds in the window (offered or claimed); none held: absent. */
export async function heldSeats(
	tx: Queryable,
	windowId: number,
	memberIds: readonly string[]
): Promise<Map<string, number>> {
	const rows = await tx
		.select({
			memberId: presaleClaims.memberId,
			seats: sql<number>`sum(${presaleClaims.seats})`.mapWith(Number)
		})
		.from(presaleClaims)
		.where(
			and(
				eq(presaleClaims.windowId, windowId),
				inArray(presaleClaims.memberId, [...memberIds]),
				inArray(presaleClaims.status, [...ACTIVE_STATUSES])
			)
		)
		.groupBy(presaleClaims.memberId);
	return new Map(rows.map((r) => [r.memberId, r.seats]));
}

type NewClaim = Omit<typeof presaleClaims.$inferInsert, 'code'>;

/** Inserts a claim with a fresh code; a (vanishingly rare) code collision just draws another. */
export async function insertClaim(tx: Queryable, values: NewClaim): Promise<PresaleClaim> {
	return (await insertClaims(tx, [values]))[0];
}

/** Inserts claims in one statement, each with a fresh code, in the order given. */
export async function insertClaims(tx: Queryable, values: readonly NewClaim[]): Promise<PresaleClaim[]> {
	const claims: (PresaleClaim | undefined)[] = values.map(() => undefined);
	const drawn = new Set<string>();
	const fresh = () => {
		let code = generatePresaleCode();
		while (drawn.has(code)) code = generatePresaleCode();
		drawn.add(code);
		return code;
	};
	for (let attempt = 0; attempt < 5; attempt++) {
		const todo = values.flatMap((v, i) => (claims[i] ? [] : [{ i, row: { ...v, code: fresh() } }]));
		if (!todo.length) break;
		// ON CONFLICT DO NOTHING, not a caught error: a unique violation would abort the transaction.
		const rows = await tx
			.insert(presaleClaims)
			.values(todo.map((t) => t.row))
			.onConflictDoNothing({ target: presaleClaims.code })
			.returning();
		const byCode = new Map(rows.map((row) => [row.code, row]));
		for (const t of todo) claims[t.i] = byCode.get(t.row.code);
	}
	if (claims.some((c) => !c)) throw new Error('could not draw unique presale codes');
	return claims as PresaleClaim[];
}

async function eventWindows(tx: Queryable, eventId: number): Promise<PresaleWindow[]> {
	return tx
		.select()
		.from(presaleWindows)
		.where(eq(presaleWindows.eventId, eventId))
		.orderBy(asc(presaleWindows.opensAt), asc(presaleWindows.id));
}

/**
 * Moves `seats` of the locked window's counter to the next window that has not closed. Windows
 * are always locked in opening order (rollover only goes forward), so two rollovers cannot deadlock.
 * Returns the window the seats went to, or null when none is left (they stay for the public sale).
 */
export async function rollForward(
	tx: Queryable,
	from: PresaleWindow,
	seats: number,
	now: Date
): Promise<PresaleWindow | null> {
	if (seats <= 0) return null;
	const target = rolloverTarget(await eventWindows(tx, from.eventId), from.id, now);
	if (!target) return null;
	await lockWindow(tx, target.id);
	await tx
		.update(presaleWindows)
		.set({ seatsRemaining: sql`${presaleWindows.seatsRemaining} - ${seats}`, updatedAt: now })
		.where(eq(presaleWindows.id, from.id));
	const [to] = await tx
		.update(presaleWindows)
		.set({
			seatsRemaining: sql`${presaleWindows.seatsRemaining} + ${seats}`,
			rolledIn: sql`${presaleWindows.rolledIn} + ${seats}`,
			updatedAt: now
		})
		.where(eq(presaleWindows.id, target.id))
		.returning();
	return to;
}

/**
 * Offers the locked draw window's free seats down the waitlist, in drawn order, each with a claim
 * deadline. What no one on the waitlist can take rolls forward. Returns the offers made.
 */
export async function offerToWaitlist(tx: Queryable, windowId: number, now: Date): Promise<PresaleClaim[]> {
	const offers: PresaleClaim[] = [];
	const inbox: NewInboxItem[] = [];
	let w = (await lockWindow(tx, windowId))!;
	const [event] = await tx.select().from(events).where(eq(events.id, w.eventId));
	while (w.seatsRemaining > 0) {
		const [next] = await tx
			.select()
			.from(presaleEntries)
			.where(and(eq(presaleEntries.windowId, w.id), eq(presaleEntries.outcome, 'waitlist')))
			.orderBy(asc(presaleEntries.drawPosition))
			.limit(1);
		if (!next) break;
		const seats = Math.min(next.seats, w.seatsRemaining);
		const claimBy = new Date(now.getTime() + w.claimHours * 3600_000);
		await tx
			.update(presaleEntries)
			.set({ outcome: 'won', offeredAt: now })
			.where(eq(presaleEntries.id, next.id));
		offers.push(
			await insertClaim(tx, {
				windowId: w.id,
				eventId: w.eventId,
				memberId: next.memberId,
				seats,
				status: 'offered',
				claimBy,
				entryId: next.id,
				createdAt: now
			})
		);
		[w] = await tx
			.update(presaleWindows)
			.set({ seatsRemaining: sql`${presaleWindows.seatsRemaining} - ${seats}`, updatedAt: now })
			.where(eq(presaleWindows.id, w.id))
			.returning();
		inbox.push({
			memberId: next.memberId,
			kind: 'presale_offer',
			title: `A seat came free for ${event.title}`,
			body: `You were next on the waitlist. Claim ${seats === 1 ? 'it' : `your ${seats} seats`} by ${deadlineLabel(claimBy, now, event.timeZone)}.`,
			link: `/tickets/${event.slug}`,
			dedupeKey: `presale-offer:${next.id}`
		});
	}
	await notify(tx, inbox);
	if (w.seatsRemaining > 0 && windowPhase(w, now) === 'closed')
		await rollForward(tx, w, w.seatsRemaining, now);
	return offers;
}

/**
 * Seats of an ended claim go back: in a drawn window to the waitlist, in an open window to its
 * pool, after a first-come window closed to the next window (or to the public sale).
 */
export async function returnSeats(tx: Queryable, w: PresaleWindow, seats: number, now: Date): Promise<void> {
	await tx
		.update(presaleWindows)
		.set({ seatsRemaining: sql`${presaleWindows.seatsRemaining} + ${seats}`, updatedAt: now })
		.where(eq(presaleWindows.id, w.id));
	if (w.mode === 'draw' && w.drawnAt) {
		await offerToWaitlist(tx, w.id, now);
	} else if (windowPhase(w, now) === 'closed' && w.closedAt) {
		await rollForward(tx, { ...w, seatsRemaining: w.seatsRemaining + seats }, seats, now);
	}
}
