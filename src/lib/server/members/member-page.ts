// Everything staff see on one member's page, read in parallel. The ledger is paginated (newest
// first, 50 a page); the other lists are short by nature and capped.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import {
	accountDeletions,
	boardInvitations,
	boards,
	engagements,
	events,
	ideas,
	memberTiers,
	patronComps,
	patronSubscriptions,
	pollBallots,
	polls,
	presaleClaims,
	subscriptionEvents,
	payments,
	tierChanges,
	users
} from '../db/schema';
import { windowStart } from '../loyalty';

export const LEDGER_PAGE = 50;

export async function memberExists(db: Queryable, id: string): Promise<boolean> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
	const [row] = await db
		.select({ id: users.id, erased: accountDeletions.memberId })
		.from(users)
		.leftJoin(accountDeletions, eq(accountDeletions.memberId, users.id))
		.where(eq(users.id, id));
	return Boolean(row && !row.erased);
}

export async function loadMemberProfile(db: Queryable, id: string, ledgerPage = 1, now = new Date()) {
	const [user] = await db.select().from(users).where(eq(users.id, id));
	if (!user) return null;
	const [erased] = await db.select().from(accountDeletions).where(eq(accountDeletions.memberId, id));
	if (erased) return null;
	const since12 = windowStart(now);
	const [
		[tier],
		changes,
		ledger,
		[ledgerCount],
		pointsResult,
		subscriptions,
		subEvents,
		paymentRows,
		comps,
		claims,
		ballots,
		memberIdeas,
		invitations
	] = await Promise.all([
		db.select().from(memberTiers).where(eq(memberTiers.memberId, id)),
		db
			.select()
			.from(tierChanges)
			.where(eq(tierChanges.memberId, id))
			.orderBy(desc(tierChanges.at), desc(tierChanges.id))
			.limit(50),
		db
			.select({
				id: engagements.id,
				kind: engagements.kind,
				object: engagements.object,
				points: engagements.points,
				occurredAt: engagements.occurredAt,
				source: engagements.source,
				cappedReason: engagements.cappedReason,
				note: engagements.note,
				actorName: users.displayName
			})
			.from(engagements)
			.leftJoin(users, eq(users.id, engagements.actorId))
			.where(eq(engagements.memberId, id))
			.orderBy(desc(engagements.occurredAt), desc(engagements.id))
			.limit(LEDGER_PAGE)
			.offset((ledgerPage - 1) * LEDGER_PAGE),
		db.select({ n: count() }).from(engagements).where(eq(engagements.memberId, id)),
		db.execute(
			sql`select coalesce(sum(points), 0)::int as points from engagements
				where member_id = ${id} and occurred_at > ${since12.toISOString()}::timestamptz`
		),
		db.select().from(patronSubscriptions).where(eq(patronSubscriptions.memberId, id)),
		db
			.select()
			.from(subscriptionEvents)
			.where(eq(subscriptionEvents.memberId, id))
			.orderBy(desc(subscriptionEvents.occurredAt), desc(subscriptionEvents.id))
			.limit(50),
		db
			.select()
			.from(payments)
			.where(eq(payments.memberId, id))
			.orderBy(desc(payments.occurredAt), desc(payments.id)),
		db
			.select()
			.from(patronComps)
			.where(eq(patronComps.memberId, id))
			.orderBy(desc(patronComps.createdAt))
			.limit(50),
		db
			.select({
				id: presaleClaims.id,
				event: events.title,
				startsAt: events.startsAt,
				seats: presaleClaims.seats,
				status: presaleClaims.status,
				createdAt: presaleClaims.createdAt,
				checkedInAt: presaleClaims.checkedInAt
			})
			.from(presaleClaims)
			.innerJoin(events, eq(events.id, presaleClaims.eventId))
			.where(eq(presaleClaims.memberId, id))
			.orderBy(desc(presaleClaims.createdAt))
			.limit(50),
		db
			.select({
				id: pollBallots.id,
				pollId: polls.id,
				question: polls.question,
				weight: pollBallots.weight,
				at: pollBallots.createdAt
			})
			.from(pollBallots)
			.innerJoin(polls, eq(polls.id, pollBallots.pollId))
			.where(eq(pollBallots.memberId, id))
			.orderBy(desc(pollBallots.createdAt))
			.limit(50),
		db
			.select({ id: ideas.id, title: ideas.title, status: ideas.status, at: ideas.createdAt })
			.from(ideas)
			.where(eq(ideas.memberId, id))
			.orderBy(desc(ideas.createdAt))
			.limit(50),
		db
			.select({
				id: boardInvitations.id,
				board: boards.name,
				status: boardInvitations.status,
				deadline: boardInvitations.deadline,
				respondedAt: boardInvitations.respondedAt,
				termEndsAt: boards.termEndsAt
			})
			.from(boardInvitations)
			.innerJoin(boards, eq(boards.id, boardInvitations.boardId))
			.where(eq(boardInvitations.memberId, id))
			.orderBy(desc(boardInvitations.createdAt))
			.limit(50)
	]);
	const points12m = Number(rowsOf<{ points: number }>(pointsResult)[0].points);
	const activeComps = comps.filter((c) => c.revokedAt === null && c.endsAt > now);
	return {
		user,
		tier: tier ?? null,
		points12m,
		changes,
		ledger,
		ledgerTotal: Number(ledgerCount.n),
		subscriptions,
		subEvents,
		// Every payment and refund: a member has a few dozen at most, and the total must be exact.
		payments: paymentRows.slice(0, 50),
		paidTotals: totalsByCurrency(paymentRows),
		comps,
		activeComps,
		claims,
		ballots,
		ideas: memberIdeas,
		invitations
	};
}

/** Money received less refunds, per currency, in minor units. */
function totalsByCurrency(rows: readonly { amountMinor: number; currency: string }[]) {
	const totals = new Map<string, number>();
	for (const r of rows) totals.set(r.currency, (totals.get(r.currency) ?? 0) + r.amountMinor);
	return [...totals].map(([currency, amountMinor]) => ({ currency, amountMinor }));
}

export type MemberProfile = NonNullable<Awaited<ReturnType<typeof loadMemberProfile>>>;

/** Admins that are not erased: the last one may not give up the role. */
export async function countAdmins(db: Queryable): Promise<number> {
	const [row] = await db
		.select({ n: count() })
		.from(users)
		.where(
			and(
				eq(users.role, 'admin'),
				sql`not exists (select 1 from account_deletions d where d.member_id = ${users.id})`
			)
		);
	return Number(row.n);
}
