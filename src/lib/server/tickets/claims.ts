// What a fan does in a window: claim seats (first come), register for a draw, confirm a draw offer,
// release seats. Each change runs in one transaction holding the window's row lock; a refusal
// says exactly why and writes nothing.
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db';
import { getUserById } from '../auth/users';
import {
	events,
	presaleClaims,
	presaleEntries,
	presaleWindows,
	type PresaleClaim,
	type PresaleEntry
} from '../db/schema';
import { audit } from '../audit';
import { recordEngagement } from '../loyalty/engine';
import { getStanding } from '../loyalty/standing';
import { ACTIVE_STATUSES, heldSeats, insertClaim, lockWindow, returnSeats } from './inventory';
import { audienceOf, claimRefusal, registrationRefusal, windowPhase, type Refusal } from './window-state';

export const PRESALE_KIND = 'presale_claim';

export type ClaimOutcome = { ok: true; claim: PresaleClaim } | { ok: false; refusal: Refusal };
export type EntryOutcome = { ok: true; entry: PresaleEntry } | { ok: false; refusal: Refusal };

const missing: Refusal = { code: 'closed', message: 'This presale window no longer exists.' };

/** The member's effective rank now and the wording of a window's audience. */
async function standingFor(db: Database, memberId: string, now: Date) {
	const standing = await getStanding(db, memberId, now);
	const top = standing.ladder.at(-1)?.rank ?? 0;
	const audience = (minRank: number) =>
		audienceOf(standing.ladder.find((t) => t.rank === minRank)?.name ?? 'a higher tier', minRank, top);
	return { rank: standing.tier.rank, audience };
}

export async function claimSeats(
	db: Database,
	input: { windowId: number; memberId: string; seats: number; now?: Date }
): Promise<ClaimOutcome> {
	const now = input.now ?? new Date();
	const { rank, audience } = await standingFor(db, input.memberId, now);
	return db.transaction(async (tx) => {
		const w = await lockWindow(tx, input.windowId);
		if (!w) return { ok: false, refusal: missing };
		const held = await heldSeats(tx, w.id, input.memberId);
		const refusal = claimRefusal(w, rank, held, input.seats, now, audience(w.minRank));
		if (refusal) return { ok: false, refusal };
		// The CHECK (seats_remaining >= 0) backs the check above: an oversell cannot even be written.
		await tx
			.update(presaleWindows)
			.set({ seatsRemaining: w.seatsRemaining - input.seats, updatedAt: now })
			.where(eq(presaleWindows.id, w.id));
		const claim = await insertClaim(tx, {
			windowId: w.id,
			eventId: w.eventId,
			memberId: input.memberId,
			seats: input.seats,
			status: 'claimed',
			createdAt: now,
			claimedAt: now
		});
		await recordEngagement(
			tx,
			{
				memberId: input.memberId,
				kind: PRESALE_KIND,
				object: `event:${w.eventId}`,
				occurredAt: now,
				source: 'portal',
				idempotencyKey: `presale-claim:${claim.id}`
			},
			{ now }
		);
		return { ok: true, claim };
	});
}

export async function registerForDraw(
	db: Database,
	input: { windowId: number; memberId: string; seats: number; now?: Date }
): Promise<EntryOutcome> {
	const now = input.now ?? new Date();
	const [{ rank, audience }, user] = await Promise.all([
		standingFor(db, input.memberId, now),
		getUserById(db, input.memberId)
	]);
	if (!user) return { ok: false, refusal: missing };
	return db.transaction(async (tx) => {
		// The draw takes this lock too: a registration is either in the draw or refused as closed.
		const w = await lockWindow(tx, input.windowId);
		if (!w) return { ok: false, refusal: missing };
		const [existing] = await tx
			.select({ id: presaleEntries.id })
			.from(presaleEntries)
			.where(and(eq(presaleEntries.windowId, w.id), eq(presaleEntries.memberId, input.memberId)));
		const refusal = registrationRefusal(w, rank, !!existing, input.seats, now, audience(w.minRank));
		if (refusal) return { ok: false, refusal };
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
			.returning();
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
		return { ok: true, entry };
	});
}

/** Withdraws a draw registration while the window is still open. */
export async function withdrawEntry(
	db: Database,
	input: { windowId: number; memberId: string; now?: Date }
): Promise<{ ok: true } | { ok: false; refusal: Refusal }> {
	const now = input.now ?? new Date();
	return db.transaction(async (tx) => {
		const w = await lockWindow(tx, input.windowId);
		if (!w) return { ok: false, refusal: missing };
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
	input: { claimId: number; memberId?: string; actorId?: string; now?: Date }
): Promise<{ ok: true; claim: PresaleClaim } | { ok: false; refusal: Refusal }> {
	const now = input.now ?? new Date();
	return db.transaction(async (tx) => {
		const [peek] = await tx.select().from(presaleClaims).where(eq(presaleClaims.id, input.claimId));
		if (!peek || (input.memberId && peek.memberId !== input.memberId))
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
