// Running a draw (at close, or when staff press "Draw now") and everything time moves along:
// opening notices, rollover at close, expired offers passing down the waitlist. Each piece claims
// its rows under a row lock, so two app instances ticking at once still do it exactly once.
import { and, asc, eq, gte, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { recordSet } from '../db/batch';
import {
	events,
	memberTiers,
	presaleClaims,
	presaleEntries,
	presaleWindows,
	users,
	type PresaleWindow
} from '../db/schema';
import { audit } from '../audit';
import { applyWording, notify, type NewInboxItem } from '../notifications';
import { loadLadder } from '../loyalty';
import { newDrawSeed, runWeightedDraw } from './draw';
import { insertClaim, lockWindow, returnSeats, rollForward } from './inventory';
import { audienceOf, deadlineLabel, windowPhase } from './window-state';

export type DrawRunResult =
	| { status: 'drawn'; seed: string; entrants: number; winners: number; seatsOffered: number }
	| { status: 'skipped'; reason: 'missing' | 'not-a-draw' | 'already-drawn' | 'not-closed' | 'not-open' };

/**
 * Draws a window once. `early` (staff) may draw while registration is open, which ends it; the
 * scheduler only draws closed windows. The seed is recorded so the draw can be replayed.
 */
export async function runDraw(
	db: Database,
	windowId: number,
	options: { now?: Date; actorId?: string | null; early?: boolean; seed?: string } = {}
): Promise<DrawRunResult> {
	const now = options.now ?? new Date();
	return db.transaction(async (tx) => {
		const w = await lockWindow(tx, windowId);
		if (!w) return { status: 'skipped', reason: 'missing' };
		if (w.mode !== 'draw') return { status: 'skipped', reason: 'not-a-draw' };
		if (w.drawnAt) return { status: 'skipped', reason: 'already-drawn' };
		const phase = windowPhase(w, now);
		if (phase === 'upcoming') return { status: 'skipped', reason: 'not-open' };
		if (phase === 'open' && !options.early) return { status: 'skipped', reason: 'not-closed' };

		const [event] = await tx.select().from(events).where(eq(events.id, w.eventId));
		const entries = await tx.select().from(presaleEntries).where(eq(presaleEntries.windowId, w.id));
		const seed = options.seed ?? newDrawSeed();
		const drawn = runWeightedDraw(entries, w.seatsRemaining, w.drawWeights, seed, now);

		if (drawn.length > 0) {
			const rows = drawn.map((d) => ({
				id: d.id,
				outcome: d.offered > 0 ? 'won' : 'waitlist',
				position: d.position,
				weight: Math.round(d.weight * 1000)
			}));
			await tx.execute(sql`
				update presale_entries e
				set outcome = r.outcome::presale_draw_outcome, draw_position = r.position, weight_milli = r.weight,
					offered_at = case when r.outcome = 'won' then ${now.toISOString()}::timestamptz end
				from ${recordSet('r', 'id bigint, outcome text, position int, weight int', rows)}
				where e.id = r.id`);
		}
		const claimBy = new Date(now.getTime() + w.claimHours * 3600_000);
		const inbox: NewInboxItem[] = [];
		let offered = 0;
		let waitlisted = 0;
		for (const d of drawn) {
			if (d.offered > 0) {
				offered += d.offered;
				await insertClaim(tx, {
					windowId: w.id,
					eventId: w.eventId,
					memberId: d.memberId,
					seats: d.offered,
					status: 'offered',
					claimBy,
					entryId: d.id,
					createdAt: now
				});
				inbox.push({
					memberId: d.memberId,
					kind: 'presale_draw_won',
					title: `You won the draw for ${event.title}`,
					body: `Claim your ${d.offered === 1 ? 'seat' : `${d.offered} seats`} by ${deadlineLabel(claimBy, now, event.timeZone)}.`,
					link: `/tickets/${event.slug}`,
					dedupeKey: `presale-draw:${w.id}:${d.memberId}`
				});
			} else {
				waitlisted += 1;
				inbox.push({
					memberId: d.memberId,
					kind: 'presale_draw_waitlist',
					title: `Waitlist position ${waitlisted} for ${event.title}`,
					body: 'Not this time, but you are on the waitlist: if a winner releases a seat, it comes to you in order.',
					link: `/tickets/${event.slug}`,
					dedupeKey: `presale-draw:${w.id}:${d.memberId}`
				});
			}
		}
		await tx
			.update(presaleWindows)
			.set({
				seatsRemaining: w.seatsRemaining - offered,
				drawSeed: seed,
				drawnAt: now,
				drawnBy: options.actorId ?? null,
				// Drawing early ends registration.
				...(phase === 'open' ? { closesAt: now } : {}),
				updatedAt: now
			})
			.where(eq(presaleWindows.id, w.id));
		await notify(tx, inbox);
		await audit(tx, {
			actorId: options.actorId ?? null,
			action: 'presale.draw',
			subjectType: 'presale_window',
			subjectId: String(w.id),
			details: {
				seed,
				drawnAt: now.toISOString(),
				seats: w.seatsRemaining,
				entrants: entries.length,
				winners: drawn.filter((d) => d.offered > 0).length,
				seatsOffered: offered,
				weights: w.drawWeights,
				order: drawn.map((d) => d.memberId)
			}
		});
		return {
			status: 'drawn',
			seed,
			entrants: entries.length,
			winners: drawn.filter((d) => d.offered > 0).length,
			seatsOffered: offered
		};
	});
}

/** Tells eligible members a window has opened, once per window (claimed by open_notified_at). */
export async function notifyOpenings(db: Database, now: Date): Promise<number> {
	return db.transaction(async (tx) => {
		const opened = await tx
			.update(presaleWindows)
			.set({ openNotifiedAt: now })
			.where(
				and(
					isNull(presaleWindows.openNotifiedAt),
					lte(presaleWindows.opensAt, now),
					sql`${presaleWindows.closesAt} > ${now.toISOString()}::timestamptz`
				)
			)
			.returning();
		if (opened.length === 0) return 0;
		const ladder = await loadLadder(tx);
		const top = ladder.at(-1)?.rank ?? 0;
		let sent = 0;
		for (const w of opened) {
			const [event] = await tx.select().from(events).where(eq(events.id, w.eventId));
			const tier = ladder.find((t) => t.rank === w.minRank)?.name ?? '';
			// member_tiers.rank is the effective rank as last computed; members without a row are rank 0.
			const members = await tx
				.select({ id: users.id })
				.from(users)
				.leftJoin(memberTiers, eq(memberTiers.memberId, users.id))
				.where(and(eq(users.role, 'fan'), w.minRank <= 0 ? undefined : gte(memberTiers.rank, w.minRank)));
			const audience = audienceOf(tier, w.minRank, top);
			const until = deadlineLabel(w.closesAt, now, event.timeZone);
			await notify(
				tx,
				await applyWording(
					tx,
					'presale_open',
					members.map((m) => ({
						memberId: m.id,
						kind: 'presale_open',
						title: w.mode === 'draw' ? `Register now for ${event.title}` : `Presale open for ${event.title}`,
						body: `Early access for ${audience} is open until ${until}.`,
						link: `/tickets/${event.slug}`,
						dedupeKey: `presale-open:${w.id}:${m.id}`,
						vars: { event: event.title, audience, until }
					}))
				)
			);
			sent += members.length;
		}
		return sent;
	});
}

/** Closed windows whose unclaimed seats have not rolled on yet (draw windows once drawn). */
export async function closeDueWindows(db: Database, now: Date): Promise<number> {
	const due = await db
		.select({ id: presaleWindows.id })
		.from(presaleWindows)
		.where(
			and(
				isNull(presaleWindows.closedAt),
				lte(presaleWindows.closesAt, now),
				or(eq(presaleWindows.mode, 'first_come'), isNotNull(presaleWindows.drawnAt))
			)
		)
		.orderBy(asc(presaleWindows.closesAt));
	let closed = 0;
	for (const { id } of due) {
		await db.transaction(async (tx) => {
			const w = await lockWindow(tx, id);
			if (!w || w.closedAt) return; // another instance got here first
			await tx.update(presaleWindows).set({ closedAt: now }).where(eq(presaleWindows.id, w.id));
			await rollForward(tx, w, w.seatsRemaining, now);
			closed++;
		});
	}
	return closed;
}

/** Draw windows that closed without a draw. */
export async function drawDueWindows(db: Database, now: Date): Promise<number> {
	const due = await db
		.select({ id: presaleWindows.id })
		.from(presaleWindows)
		.where(
			and(eq(presaleWindows.mode, 'draw'), isNull(presaleWindows.drawnAt), lte(presaleWindows.closesAt, now))
		);
	let drawn = 0;
	for (const { id } of due) if ((await runDraw(db, id, { now })).status === 'drawn') drawn++;
	return drawn;
}

/** Offers whose claim deadline passed: the seats go to the next on the waitlist. */
export async function expireDueOffers(db: Database, now: Date): Promise<number> {
	const due = await db
		.select({ id: presaleClaims.id, windowId: presaleClaims.windowId })
		.from(presaleClaims)
		.where(and(eq(presaleClaims.status, 'offered'), lte(presaleClaims.claimBy, now)))
		.limit(500);
	let expired = 0;
	for (const offer of due) {
		await db.transaction(async (tx) => {
			const w = (await lockWindow(tx, offer.windowId)) as PresaleWindow;
			const [claim] = await tx
				.update(presaleClaims)
				.set({ status: 'expired', endedAt: now })
				.where(
					and(
						eq(presaleClaims.id, offer.id),
						eq(presaleClaims.status, 'offered'),
						lte(presaleClaims.claimBy, now)
					)
				)
				.returning();
			if (!claim) return;
			await returnSeats(tx, w, claim.seats, now);
			const [event] = await tx.select().from(events).where(eq(events.id, w.eventId));
			await notify(tx, [
				{
					memberId: claim.memberId,
					kind: 'presale_offer_expired',
					title: `Your draw seats for ${event.title} passed on`,
					body: 'The claim deadline passed, so the seats went to the next fan on the waitlist.',
					link: `/tickets/${event.slug}`,
					dedupeKey: `presale-expired:${claim.id}`
				}
			]);
			expired++;
		});
	}
	return expired;
}

/** The tickets entry in scheduled-work.ts: every time-driven step, in a safe order. */
export async function runTicketsDueWork(db: Database, now: Date): Promise<void> {
	await notifyOpenings(db, now);
	await drawDueWindows(db, now);
	await expireDueOffers(db, now);
	await closeDueWindows(db, now);
}
