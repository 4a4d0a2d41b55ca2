// What a fan does in a window: claim seats (first come, through the claim queue), register for a
// draw, confirm a draw offer, release seats. Each change runs in one transaction holding the
// window's row lock; a refusal says exactly why and writes nothing.
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db';
import { getUserById } from '../auth';
import {
	events,
	presaleClaims,
	presaleEntries,
	presaleWindows,
	type PresaleClaim,
	type PresaleEntry
} from '../db/schema';
import { audit } from '../audit';
import { recordEngagement } from '../loyalty';
import { ACTIVE_STATUSES, lockWindow, returnSeats } from './inventory';
import { queueClaim } from './claim-queue';
import { standingFor } from './member-rank';
import { PRESALE_KIND } from './claim-points';
import { registrationRefusal, WINDOW_GONE, windowPhase, type Refusal } from './window-state';

export type ClaimOutcome = { ok: true; claim: PresaleClaim } | { ok: false; refusal: Refusal };
export type EntryOutcome = { ok: true; entry: PresaleEntry } | { ok: false; refusal: Refusal };

/** Thrown inside a transaction to roll back what it wrote and answer with the refusal. */
class Refused extends Error {
	constructor(readonly refusal: Refusal) {
		super(refusal.message);
	}
}

async function unlessRefused<T>(work: () => Promise<T>): Promise<T | { ok: false; refusal: Refusal }> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof Refused) return { ok: false, refusal: error.refusal };
		throw error;
	}
}

/**
 * A claim in the rush: decided in the window's claim queue (claim-queue.ts), which answers the
 * refusals of a sold-out or closed window from one read for everyone waiting, and takes the seats
 * of many fans in one transaction. The queue records the points after commit (claim-points.ts).
 */
export async function claimSeats(
	db: Database,
	input: { windowId: number; memberId: string; seats: number; now?: Date }
): Promise<ClaimOutcome> {
	return queueClaim(db, input.windowId, {
		memberId: input.memberId,
		seats: input.seats,
		now: input.now ?? new Date()
	});
}

/**
 * Registrations take the window's lock in share mode: they never wait for each other, only for a
 * draw (which locks for update), so each is either in the draw or refused as closed.
 */
export async function registerForDraw(
	db: Database,
	input: { windowId: number; memberId: string; seats: number; now?: Date }
): Promise<EntryOutcome> {
	const now = input.now ?? new Date();
	const [{ rank, audience }, user, [peek]] = await Promise.all([
		standingFor(db, input.memberId, now),
		getUserById(db, input.memberId),
		db.select().from(presaleWindows).where(eq(presaleWindows.id, input.windowId))
	]);
	if (!user || !peek) return { ok: false, refusal: WINDOW_GONE };
	return unlessRefused(() =>
		db.transaction(async (tx) => {
			const [w] = await tx
				.select()
				.from(presaleWindows)
				.where(eq(presaleWindows.id, input.windowId))
				.for('share');
			const refusal = registrationRefusal(w, rank, false, input.seats, now, audience(w.minRank));
			if (refusal) throw new Refused(refusal);
			const [entry] = await tx
				.insert(presaleEntries)
				.values({
					windowId: w.id,
					memberId: input.memberId,
					seats: input.seats,
					rank,
					memberSince: user.createdAt,
					registeredAt: now
				})
				.onConflictDoNothing({ target: [presaleEntries.windowId, presaleEntries.memberId] })
				.returning();
			if (!entry)
				throw new Refused({
					code: 'already_registered',
					message: "You're already registered for this draw."
				});
			await recordEngagement(
				tx,
				{
					memberId: input.memberId,
					kind: PRESALE_KIND,
					object: `event:${w.eventId}`,
					occurredAt: now,
					source: 'portal',
					idempotencyKey: `presale-entry:${entry.id}`
				},
				{ now }
			);
			return { ok: true as const, entry };
		})
	);
}

/** Withdraws a draw registration while the window is still open. */
export async function withdrawEntry(
	db: Database,
	input: { windowId: number; memberId: string; now?: Date }
): Promise<{ ok: true } | { ok: false; refusal: Refusal }> {
	const now = input.now ?? new Date();
	return db.transaction(async (tx) => {
		const w = await lockWindow(tx, input.windowId);
		if (!w) return { ok: false, refusal: WINDOW_GONE };
		if (windowPhase(w, now) !== 'open' || w.drawnAt)
			return {
				ok: false,
				refusal: { code: 'closed', message: 'Registration has closed; the draw is made.' }
			};
		await tx
			.delete(presaleEntries)
			.where(and(eq(presaleEntries.windowId, w.id), eq(presaleEntries.memberId, input.memberId)));
		return { ok: true };
	});
}

/** A draw winner confirms before the deadline; then the code admits them. */
export async function confirmOffer(
	db: Database,
	input: { claimId: number; memberId: string; now?: Date }
): Promise<ClaimOutcome> {
	const now = input.now ?? new Date();
	return db.transaction(async (tx) => {
		const [claim] = await tx
			.update(presaleClaims)
			.set({ status: 'claimed', claimedAt: now })
			.where(
				and(
					eq(presaleClaims.id, input.claimId),
					eq(presaleClaims.memberId, input.memberId),
					eq(presaleClaims.status, 'offered'),
					gt(presaleClaims.claimBy, now)
				)
			)
			.returning();
		if (!claim)
			return {
				ok: false,
				refusal: {
					code: 'closed',
					message: 'This offer has ended: the claim deadline passed or it was released.'
				}
			};
		await recordEngagement(
			tx,
			{
				memberId: input.memberId,
				kind: PRESALE_KIND,
				object: `event:${claim.eventId}`,
				occurredAt: now,
				source: 'portal',
				idempotencyKey: `presale-claim:${claim.id}`
			},
			{ now }
		);
		return { ok: true, claim };
	});
}

/**
 * Ends a claim and gives its seats back. A fan may release a first-come claim until the window
 * closes and a draw offer or win until the show; staff (`actorId`) may release any time.
 */
export async function releaseClaim(
	db: Database,
	input: { claimId: number; memberId?: string; actorId?: string; eventId?: number; now?: Date }
): Promise<{ ok: true; claim: PresaleClaim } | { ok: false; refusal: Refusal }> {
	const now = input.now ?? new Date();
	return db.transaction(async (tx) => {
		const [peek] = await tx.select().from(presaleClaims).where(eq(presaleClaims.id, input.claimId));
		// A fan releases only their own claim; staff only a claim of the event they are looking at.
		if (
			!peek ||
			(input.memberId && peek.memberId !== input.memberId) ||
			(input.eventId !== undefined && peek.eventId !== input.eventId)
		)
			return { ok: false, refusal: { code: 'closed', message: 'No such claim.' } };
		const w = (await lockWindow(tx, peek.windowId))!;
		const [event] = await tx.select().from(events).where(eq(events.id, w.eventId));
		if (!input.actorId) {
			if (w.mode === 'first_come' && windowPhase(w, now) === 'closed')
				return {
					ok: false,
					refusal: {
						code: 'closed',
						message: 'The window has closed: these seats can no longer be released here.'
					}
				};
			if (now >= event.startsAt)
				return { ok: false, refusal: { code: 'closed', message: 'The show has started.' } };
		}
		// Conditional: a claim already released, expired or used at the door is left alone.
		const [claim] = await tx
			.update(presaleClaims)
			.set({ status: 'released', endedAt: now, endedBy: input.actorId ?? input.memberId ?? null })
			.where(
				and(
					eq(presaleClaims.id, peek.id),
					inArray(presaleClaims.status, [...ACTIVE_STATUSES]),
					// A code used at the door stays used.
					isNull(presaleClaims.checkedInAt)
				)
			)
			.returning();
		if (!claim)
			return { ok: false, refusal: { code: 'closed', message: 'This claim has already ended or was used.' } };
		await returnSeats(tx, w, claim.seats, now);
		if (input.actorId)
			await audit(tx, {
				actorId: input.actorId,
				action: 'presale.release',
				subjectType: 'presale_claim',
				subjectId: String(claim.id),
				details: { windowId: w.id, memberId: claim.memberId, seats: claim.seats }
			});
		return { ok: true, claim };
	});
}
