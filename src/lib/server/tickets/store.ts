// Events and windows as pages need them: the fan's view (with each window's state for this member)
// and the staff's view (live counts), plus the staff's writes. Rules come from window-state.ts.
import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db';
import {
	events,
	presaleClaims,
	presaleEntries,
	presaleWindows,
	users,
	type Event,
	type PresaleClaim,
	type PresaleWindow
} from '../db/schema';
import { calendarDay } from '$lib/time';
import { audit } from '../audit';
import { csvTable } from '../csv';
import { getStanding, loadLadder } from '../loyalty';
import { formatPresaleCode } from './codes';
import { slugify, type EventInput, type WindowInput } from './form';
import {
	allWindowsClosed,
	audienceOf,
	memberWindowState,
	windowPhase,
	type MemberInWindow,
	type WindowState
} from './window-state';

export interface FanWindow {
	id: number;
	mode: PresaleWindow['mode'];
	audience: string;
	tierColour: string;
	opensAt: Date;
	closesAt: Date;
	perMemberLimit: number;
	seatsRemaining: number;
	state: WindowState;
	/** Seats the member may still claim here. */
	canClaim: number;
	offer: { claimId: number; seats: number; claimBy: Date } | null;
	claims: { id: number; seats: number; code: string }[];
}

export interface FanEvent {
	id: number;
	slug: string;
	title: string;
	venue: string;
	startsAt: Date;
	timeZone: string;
	imageUrl: string | null;
	publicSaleAt: Date;
	windows: FanWindow[];
	/** All windows closed: the event now points at the public sale. */
	publicSaleNext: boolean;
}

async function ladderWords(db: Queryable) {
	const ladder = await loadLadder(db);
	const top = ladder.at(-1)?.rank ?? 0;
	return (minRank: number) => {
		const tier = ladder.find((t) => t.rank === minRank);
		return { audience: audienceOf(tier?.name ?? 'members', minRank, top), colour: tier?.colour ?? '#6b7280' };
	};
}

export async function getEventBySlug(db: Queryable, slug: string): Promise<Event | undefined> {
	const [ev] = await db.select().from(events).where(eq(events.slug, slug));
	return ev;
}

/** Upcoming events with every window as this member sees it; `slug` narrows to one. */
export async function listEventsForMember(
	db: Database,
	memberId: string,
	now = new Date(),
	slug?: string
): Promise<FanEvent[]> {
	const [standing, words] = await Promise.all([getStanding(db, memberId, now), ladderWords(db)]);
	const rank = standing.tier.rank;
	const rows = await db
		.select()
		.from(events)
		.where(slug ? eq(events.slug, slug) : gt(events.startsAt, now))
		.orderBy(asc(events.startsAt));
	if (rows.length === 0) return [];
	const ids = rows.map((e) => e.id);
	const [windows, claims, entries] = await Promise.all([
		db
			.select()
			.from(presaleWindows)
			.where(inArray(presaleWindows.eventId, ids))
			.orderBy(asc(presaleWindows.opensAt), asc(presaleWindows.id)),
		db
			.select()
			.from(presaleClaims)
			.where(
				and(
					inArray(presaleClaims.eventId, ids),
					eq(presaleClaims.memberId, memberId),
					inArray(presaleClaims.status, ['offered', 'claimed'])
				)
			),
		db
			.select({
				windowId: presaleEntries.windowId,
				outcome: presaleEntries.outcome,
				// Waitlist position: how many still waiting were drawn before, plus one.
				position: sql<number | null>`case when ${presaleEntries.outcome} = 'waitlist' then (
					select count(*) from presale_entries o
					where o.window_id = ${presaleEntries.windowId} and o.outcome = 'waitlist'
					and o.draw_position <= ${presaleEntries.drawPosition}) end`.mapWith((v) => (v === null ? null : Number(v)))
			})
			.from(presaleEntries)
			.innerJoin(presaleWindows, eq(presaleWindows.id, presaleEntries.windowId))
			.where(and(inArray(presaleWindows.eventId, ids), eq(presaleEntries.memberId, memberId)))
	]);
	return rows.map((e) => {
		const own = windows.filter((w) => w.eventId === e.id);
		return {
			id: e.id,
			slug: e.slug,
			title: e.title,
			venue: e.venue,
			startsAt: e.startsAt,
			timeZone: e.timeZone,
			imageUrl: e.imageUrl,
			publicSaleAt: e.publicSaleAt,
			publicSaleNext: allWindowsClosed(own, now),
			windows: own.map((w) => {
				const mine = claims.filter((c) => c.windowId === w.id);
				const offer = mine.find((c) => c.status === 'offered');
				const claimed = mine.filter((c) => c.status === 'claimed');
				const claimedSeats = claimed.reduce((n, c) => n + c.seats, 0);
				const entry = entries.find((x) => x.windowId === w.id);
				const member: MemberInWindow = {
					rank,
					claimedSeats,
					offer: offer ? { seats: offer.seats, claimBy: offer.claimBy! } : null,
					entry: entry ? { outcome: entry.outcome, waitlistPosition: entry.position } : null
				};
				const { audience, colour } = words(w.minRank);
				return {
					id: w.id,
					mode: w.mode,
					audience,
					tierColour: colour,
					opensAt: w.opensAt,
					closesAt: w.closesAt,
					perMemberLimit: w.perMemberLimit,
					seatsRemaining: w.seatsRemaining,
					state: memberWindowState(w, member, audience, now, e.timeZone),
					canClaim: Math.min(w.perMemberLimit - claimedSeats, w.seatsRemaining),
					offer: offer ? { claimId: offer.id, seats: offer.seats, claimBy: offer.claimBy! } : null,
					claims: claimed.map((c) => ({ id: c.id, seats: c.seats, code: formatPresaleCode(c.code) }))
				};
			})
		};
	});
}

export interface MemberTicket {
	claimId: number;
	status: PresaleClaim['status'];
	seats: number;
	code: string;
	/** What the QR encodes: the printed code. */
	qrText: string;
	claimBy: Date | null;
	checkedInAt: Date | null;
	event: Pick<Event, 'slug' | 'title' | 'venue' | 'startsAt' | 'timeZone'>;
}

/** The member's live codes (claimed, and offers still to confirm) for shows not yet over. */
export async function listMemberTickets(
	db: Database,
	memberId: string,
	now = new Date()
): Promise<MemberTicket[]> {
	const rows = await db
		.select({ claim: presaleClaims, event: events })
		.from(presaleClaims)
		.innerJoin(events, eq(events.id, presaleClaims.eventId))
		.where(
			and(
				eq(presaleClaims.memberId, memberId),
				inArray(presaleClaims.status, ['offered', 'claimed']),
				// Shows end; a day after the start the code has done its job.
				gt(events.startsAt, new Date(now.getTime() - 24 * 3600_000))
			)
		)
		.orderBy(asc(events.startsAt), asc(presaleClaims.id));
	return rows.map(({ claim, event }) => ({
		claimId: claim.id,
		status: claim.status,
		seats: claim.seats,
		code: formatPresaleCode(claim.code),
		qrText: formatPresaleCode(claim.code),
		claimBy: claim.claimBy,
		checkedInAt: claim.checkedInAt,
		event: {
			slug: event.slug,
			title: event.title,
			venue: event.venue,
			startsAt: event.startsAt,
			timeZone: event.timeZone
		}
	}));
}

// ---- Staff ----

export interface StaffWindow extends PresaleWindow {
	audience: string;
	phase: ReturnType<typeof windowPhase>;
	claimedSeats: number;
	offeredSeats: number;
	claims: number;
	entries: number;
	checkedIn: number;
}

export async function listEventsForStaff(db: Database) {
	const rows = await db.select().from(events).orderBy(desc(events.startsAt));
	const counts = await db
		.select({
			eventId: presaleClaims.eventId,
			seats:
				sql<number>`coalesce(sum(${presaleClaims.seats}) filter (where ${presaleClaims.status} in ('offered','claimed')), 0)`.mapWith(
					Number
				)
		})
		.from(presaleClaims)
		.groupBy(presaleClaims.eventId);
	return rows.map((e) => ({ ...e, seatsHeld: counts.find((c) => c.eventId === e.id)?.seats ?? 0 }));
}

export async function getEventForStaff(db: Database, eventId: number, now = new Date()) {
	const [event] = await db.select().from(events).where(eq(events.id, eventId));
	if (!event) return null;
	const words = await ladderWords(db);
	const windows = await db
		.select()
		.from(presaleWindows)
		.where(eq(presaleWindows.eventId, eventId))
		.orderBy(asc(presaleWindows.opensAt), asc(presaleWindows.id));
	const stats = await db
		.select({
			windowId: presaleClaims.windowId,
			claimed:
				sql<number>`coalesce(sum(${presaleClaims.seats}) filter (where ${presaleClaims.status} = 'claimed'), 0)`.mapWith(
					Number
				),
			offered:
				sql<number>`coalesce(sum(${presaleClaims.seats}) filter (where ${presaleClaims.status} = 'offered'), 0)`.mapWith(
					Number
				),
			claims: sql<number>`count(*) filter (where ${presaleClaims.status} in ('offered','claimed'))`.mapWith(
				Number
			),
			checkedIn: sql<number>`count(*) filter (where ${presaleClaims.checkedInAt} is not null)`.mapWith(Number)
		})
		.from(presaleClaims)
		.where(eq(presaleClaims.eventId, eventId))
		.groupBy(presaleClaims.windowId);
	const entryCounts = await db
		.select({ windowId: presaleEntries.windowId, n: sql<number>`count(*)`.mapWith(Number) })
		.from(presaleEntries)
		.innerJoin(presaleWindows, eq(presaleWindows.id, presaleEntries.windowId))
		.where(eq(presaleWindows.eventId, eventId))
		.groupBy(presaleEntries.windowId);
	const claims = await db
		.select({
			id: presaleClaims.id,
			windowId: presaleClaims.windowId,
			seats: presaleClaims.seats,
			status: presaleClaims.status,
			code: presaleClaims.code,
			claimBy: presaleClaims.claimBy,
			createdAt: presaleClaims.createdAt,
			checkedInAt: presaleClaims.checkedInAt,
			member: users.displayName,
			email: users.email
		})
		.from(presaleClaims)
		.innerJoin(users, eq(users.id, presaleClaims.memberId))
		.where(eq(presaleClaims.eventId, eventId))
		.orderBy(desc(presaleClaims.createdAt), desc(presaleClaims.id))
		.limit(200);
	const staffWindows: StaffWindow[] = windows.map((w) => {
		const s = stats.find((x) => x.windowId === w.id);
		return {
			...w,
			audience: words(w.minRank).audience,
			phase: windowPhase(w, now),
			claimedSeats: s?.claimed ?? 0,
			offeredSeats: s?.offered ?? 0,
			claims: s?.claims ?? 0,
			checkedIn: s?.checkedIn ?? 0,
			entries: entryCounts.find((x) => x.windowId === w.id)?.n ?? 0
		};
	});
	return {
		event,
		windows: staffWindows,
		claims: claims.map((c) => ({ ...c, code: formatPresaleCode(c.code) })),
		allocated: windows.reduce((n, w) => n + w.allocation, 0)
	};
}

export async function createEvent(db: Database, input: EventInput, actorId: string): Promise<Event> {
	return db.transaction(async (tx) => {
		// The show's date on the venue's clock.
		const base = `${slugify(input.title)}-${calendarDay(input.startsAt, input.timeZone)}`;
		let event: Event | undefined;
		for (let n = 1; !event; n++) {
			[event] = await tx
				.insert(events)
				.values({ ...input, slug: n === 1 ? base : `${base}-${n}`, createdBy: actorId })
				.onConflictDoNothing({ target: events.slug })
				.returning();
		}
		await audit(tx, {
			actorId,
			action: 'event.create',
			subjectType: 'event',
			subjectId: String(event.id),
			details: { title: input.title }
		});
		return event;
	});
}

export async function updateEvent(
	db: Database,
	eventId: number,
	input: EventInput,
	actorId: string
): Promise<void> {
	await db.transaction(async (tx) => {
		await tx
			.update(events)
			.set({ ...input, updatedAt: new Date() })
			.where(eq(events.id, eventId));
		await audit(tx, {
			actorId,
			action: 'event.update',
			subjectType: 'event',
			subjectId: String(eventId),
			details: { title: input.title }
		});
	});
}

export async function createWindow(
	db: Database,
	eventId: number,
	input: WindowInput,
	actorId: string
): Promise<PresaleWindow> {
	return db.transaction(async (tx) => {
		const [w] = await tx
			.insert(presaleWindows)
			.values({ ...input, eventId, seatsRemaining: input.allocation })
			.returning();
		await audit(tx, {
			actorId,
			action: 'presale.window.create',
			subjectType: 'presale_window',
			subjectId: String(w.id),
			details: {
				eventId,
				mode: input.mode,
				allocation: input.allocation,
				minRank: input.minRank,
				weights: input.drawWeights
			}
		});
		return w;
	});
}

/** Weights can change until the draw is made; the audit log keeps every version. */
export async function updateDrawWeights(
	db: Database,
	windowId: number,
	weights: WindowInput['drawWeights'],
	actorId: string
): Promise<boolean> {
	return db.transaction(async (tx) => {
		const [w] = await tx
			.update(presaleWindows)
			.set({ drawWeights: weights, updatedAt: new Date() })
			.where(and(eq(presaleWindows.id, windowId), sql`${presaleWindows.drawnAt} is null`))
			.returning();
		if (w)
			await audit(tx, {
				actorId,
				action: 'presale.weights',
				subjectType: 'presale_window',
				subjectId: String(windowId),
				details: { weights }
			});
		return !!w;
	});
}

/** Every code of an event, one row per claim, for the box office. */
export async function codesCsv(db: Database, eventId: number): Promise<string> {
	const rows = await db
		.select({
			claim: presaleClaims,
			member: users.displayName,
			email: users.email,
			windowId: presaleWindows.id,
			mode: presaleWindows.mode
		})
		.from(presaleClaims)
		.innerJoin(users, eq(users.id, presaleClaims.memberId))
		.innerJoin(presaleWindows, eq(presaleWindows.id, presaleClaims.windowId))
		.where(eq(presaleClaims.eventId, eventId))
		.orderBy(asc(presaleClaims.id));
	const header = [
		'code',
		'status',
		'seats',
		'member',
		'email',
		'window',
		'mode',
		'created_at',
		'claimed_at',
		'checked_in_at'
	];
	const lines = rows.map(({ claim, member, email, windowId, mode }) => [
		formatPresaleCode(claim.code),
		claim.status,
		claim.seats,
		member,
		email,
		windowId,
		mode,
		claim.createdAt,
		claim.claimedAt,
		claim.checkedInAt
	]);
	// Every cell quoted, as the box office's import has always read it.
	return csvTable(header, lines, { quoteAll: true });
}
