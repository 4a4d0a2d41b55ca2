// The personal home's sections for one member: what became readable for them since their last
// visit ("New for you"), what waits on them ("Your turn") and their recent moments. Which drops a
// member may read is asked of drops' access rule; a locked drop is never listed, and no drop's
// body is read here at all (only titles and teasers).
import { and, desc, eq, gt, lte, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import {
	boardInvitations,
	boards,
	engagements,
	events,
	inboxItems,
	pollBallots,
	polls,
	presaleClaims,
	presaleEntries,
	presaleWindows,
	tierChanges
} from '../db/schema';
import { dropAccess, listLiveDrops, openingFor, viewerOf, type Member } from '../drops';
import { houseTimeZone } from '../house';
import { ADJUSTMENT_KIND } from '../loyalty';
import { isEligible as mayVote } from '../polls';
import { isEligible as mayTakePart, windowPhase } from '../tickets';
import { audienceOf, drawReason, dropReason, invitationReason, pollReason, presaleReason } from './reasons';

const DAY = 24 * 60 * 60 * 1000;
/** A first visit counts the last week as new. */
const FIRST_VISIT_NEW = 7 * DAY;
/** Presale windows opening within this much time are listed. */
const PRESALE_AHEAD = 14 * DAY;
const NEW_LIMIT = 6;
const MOMENTS_LIMIT = 4;
/** Kinds that are not the member's own doing (first steps count only their own). */
const NOT_OWN = [ADJUSTMENT_KIND, 'birthday'];

export interface HomeItem {
	/** Stable key for the list: "drop:12", "poll:3". */
	key: string;
	kind: 'drop' | 'poll' | 'presale' | 'invitation' | 'draw' | 'moment';
	title: string;
	/** A teaser or a line of context (never a locked drop's body: drops only give their summary). */
	detail: string;
	href: string;
	reason: string;
	/** ISO; for sorting and the moment's time. */
	at: string;
}

export interface Home {
	newForYou: HomeItem[];
	yourTurn: HomeItem[];
	moments: HomeItem[];
	/** No engagement of their own yet: show the first-steps card. */
	firstSteps: boolean;
	/** ISO of the visit "new" counts from, null on a first visit. */
	since: string | null;
}

/** Records the visit; returns the one "new" counts from. A reload within ten minutes keeps the list. */
async function markHomeVisit(db: Queryable, memberId: string, now: Date): Promise<Date | null> {
	const at = now.toISOString();
	const [row] = rowsOf<{ since: string | Date | null }>(
		await db.execute(sql`
			insert into home_visits as v (member_id, previous_at, seen_at) values (${memberId}, null, ${at}::timestamptz)
			on conflict (member_id) do update set
				previous_at = case when v.seen_at < ${at}::timestamptz - interval '10 minutes' then v.seen_at else v.previous_at end,
				seen_at = greatest(v.seen_at, excluded.seen_at)
			returning previous_at as since`)
	);
	return row?.since ? new Date(row.since) : null;
}

export async function loadHome(db: Queryable, member: Member, now = new Date()): Promise<Home> {
	const zone = houseTimeZone();
	const [{ viewer: asMember, ladder }, liveDrops, previous] = await Promise.all([
		viewerOf(db, member, now),
		listLiveDrops(db, now),
		markHomeVisit(db, member.id, now)
	]);
	// Staff see the home a fan of their tier would: no previews of what their tier cannot read.
	const viewer = { rank: asMember.rank, staff: false };
	const since = previous ?? new Date(now.getTime() - FIRST_VISIT_NEW);
	const ranks = ladder.map((t) => t.rank);
	const tierName = (rank: number) => ladder.find((t) => t.rank === rank)?.name ?? null;

	const [stepUp, openPolls, windows, invitations, offers, moments, own] = await Promise.all([
		db
			.select({ fromRank: tierChanges.fromRank, toRank: tierChanges.toRank })
			.from(tierChanges)
			.where(
				and(
					eq(tierChanges.memberId, member.id),
					gt(tierChanges.at, since),
					sql`${tierChanges.toRank} > ${tierChanges.fromRank}`
				)
			)
			.orderBy(tierChanges.at)
			.limit(1),
		db
			.select({
				id: polls.id,
				question: polls.question,
				description: polls.description,
				eligibleRanks: polls.eligibleRanks,
				closesAt: polls.closesAt
			})
			.from(polls)
			.where(
				and(
					lte(polls.opensAt, now),
					gt(polls.closesAt, now),
					sql`not exists (select 1 from ${pollBallots} b where b.poll_id = ${polls.id} and b.member_id = ${member.id})`
				)
			)
			.orderBy(polls.closesAt)
			.limit(20),
		db
			.select({
				id: presaleWindows.id,
				minRank: presaleWindows.minRank,
				opensAt: presaleWindows.opensAt,
				closesAt: presaleWindows.closesAt,
				mode: presaleWindows.mode,
				seatsRemaining: presaleWindows.seatsRemaining,
				slug: events.slug,
				title: events.title,
				venue: events.venue
			})
			.from(presaleWindows)
			.innerJoin(events, eq(events.id, presaleWindows.eventId))
			.where(
				and(
					gt(presaleWindows.closesAt, now),
					lte(presaleWindows.opensAt, new Date(now.getTime() + PRESALE_AHEAD)),
					sql`not exists (select 1 from ${presaleClaims} c where c.window_id = ${presaleWindows.id} and c.member_id = ${member.id} and c.status in ('offered', 'claimed'))`,
					sql`not exists (select 1 from ${presaleEntries} e where e.window_id = ${presaleWindows.id} and e.member_id = ${member.id})`
				)
			)
			.orderBy(presaleWindows.opensAt)
			.limit(20),
		db
			.select({
				id: boardInvitations.id,
				boardId: boards.id,
				name: boards.name,
				purpose: boards.purpose,
				deadline: boardInvitations.deadline
			})
			.from(boardInvitations)
			.innerJoin(boards, eq(boards.id, boardInvitations.boardId))
			.where(
				and(
					eq(boardInvitations.memberId, member.id),
					eq(boardInvitations.status, 'pending'),
					gt(boardInvitations.deadline, now)
				)
			)
			.orderBy(boardInvitations.deadline),
		db
			.select({
				id: presaleClaims.id,
				claimBy: presaleClaims.claimBy,
				seats: presaleClaims.seats,
				slug: events.slug,
				title: events.title
			})
			.from(presaleClaims)
			.innerJoin(events, eq(events.id, presaleClaims.eventId))
			.where(
				and(
					eq(presaleClaims.memberId, member.id),
					eq(presaleClaims.status, 'offered'),
					gt(presaleClaims.claimBy, now)
				)
			)
			.orderBy(presaleClaims.claimBy),
		db
			.select({
				id: inboxItems.id,
				kind: inboxItems.kind,
				title: inboxItems.title,
				body: inboxItems.body,
				link: inboxItems.link,
				createdAt: inboxItems.createdAt
			})
			.from(inboxItems)
			.where(
				and(eq(inboxItems.memberId, member.id), gt(inboxItems.createdAt, new Date(now.getTime() - 30 * DAY)))
			)
			.orderBy(desc(inboxItems.createdAt), desc(inboxItems.id))
			.limit(MOMENTS_LIMIT),
		db
			.select({ one: sql<number>`1` })
			.from(engagements)
			.where(
				and(
					eq(engagements.memberId, member.id),
					sql`${engagements.kind} not in (${sql.join(
						NOT_OWN.map((k) => sql`${k}`),
						sql`, `
					)})`
				)
			)
			.limit(1)
	]);

	const step = stepUp[0] ?? null;
	const newForYou: HomeItem[] = [];
	for (const drop of liveDrops) {
		const access = dropAccess(drop, viewer, now, ranks);
		if (access.kind !== 'open' || !access.since) continue;
		if (access.since.getTime() <= since.getTime() && !(step && drop.minRank > step.fromRank)) continue;
		// Visible through a step up: it was published before, but only readable since the new tier.
		const openedAt =
			step && drop.minRank > step.fromRank && access.since.getTime() <= since.getTime() ? now : access.since;
		const windowRank = drop.windows
			.filter((w) => w.rank <= viewer.rank)
			.sort((a, b) => a.delayMinutes - b.delayMinutes)[0]?.rank;
		newForYou.push({
			key: `drop:${drop.id}`,
			kind: 'drop',
			title: drop.title,
			detail: drop.summary,
			href: `/drops/${drop.slug}`,
			reason: dropReason(
				{
					openedAt,
					publishAt: drop.publishAt!,
					minRank: drop.minRank,
					rankBefore: step?.fromRank ?? null,
					tierName: step ? tierName(step.toRank) : null,
					windowTierName: windowRank === undefined ? null : tierName(windowRank),
					generalAt: openingFor(drop, drop.minRank)
				},
				now,
				zone
			),
			at: openedAt.toISOString()
		});
	}
	newForYou.sort((a, b) => b.at.localeCompare(a.at));

	const yourTurn: HomeItem[] = [];
	for (const o of offers) {
		yourTurn.push({
			key: `draw:${o.id}`,
			kind: 'draw',
			title: `Confirm your seats for ${o.title}`,
			detail: `${o.seats} ${o.seats === 1 ? 'seat' : 'seats'} held for you`,
			href: `/tickets/${o.slug}`,
			reason: drawReason(o.claimBy!, now, zone),
			at: o.claimBy!.toISOString()
		});
	}
	for (const i of invitations) {
		yourTurn.push({
			key: `invitation:${i.id}`,
			kind: 'invitation',
			title: `Join the ${i.name}`,
			detail: i.purpose,
			href: '/board',
			reason: invitationReason(i.deadline, now, zone),
			at: i.deadline.toISOString()
		});
	}
	for (const p of openPolls) {
		if (!mayVote(p, viewer.rank)) continue;
		yourTurn.push({
			key: `poll:${p.id}`,
			kind: 'poll',
			title: p.question,
			detail: p.description,
			href: `/polls/${p.id}`,
			reason: pollReason(
				{
					closesAt: p.closesAt,
					eligibleTierNames: p.eligibleRanks.map((r) => tierName(r)).filter((n): n is string => !!n)
				},
				now,
				zone
			),
			at: p.closesAt.toISOString()
		});
	}
	const seenEvents = new Set<string>();
	for (const w of windows) {
		if (!mayTakePart(w, viewer.rank) || seenEvents.has(w.slug)) continue;
		const phase = windowPhase(w, now);
		if (phase === 'open' && w.mode === 'first_come' && w.seatsRemaining === 0) continue;
		seenEvents.add(w.slug);
		yourTurn.push({
			key: `presale:${w.id}`,
			kind: 'presale',
			title: `Presale: ${w.title}`,
			detail: w.venue,
			href: `/tickets/${w.slug}`,
			reason: presaleReason(
				{ opensAt: w.opensAt, closesAt: w.closesAt, audience: audienceOf(ladder, w.minRank), mode: w.mode },
				now,
				zone
			),
			at: w.opensAt.toISOString()
		});
	}

	return {
		newForYou: newForYou.slice(0, NEW_LIMIT),
		yourTurn,
		moments: moments.map((m) => ({
			key: `moment:${m.id}`,
			kind: 'moment',
			title: m.title,
			detail: m.body,
			href: m.link ?? '/me/inbox',
			reason: '',
			at: m.createdAt.toISOString()
		})),
		firstSteps: own.length === 0,
		since: previous?.toISOString() ?? null
	};
}
