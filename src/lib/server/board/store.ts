// Advisory boards: creation, invitations from a segment, accept/decline with seats that never
// overfill, and the members' private space (updates, discussion, sessions with RSVP).
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db';
import {
	boardInvitations,
	boardPosts,
	boardSessionRsvps,
	boardSessions,
	boards,
	users,
	type Board
} from '../db/schema';
import { audit } from '../audit';
import { formatDay } from '$lib/time';
import { houseTimeZone } from '../house';
import { applyWording, notify } from '../notifications';
import { checkLength, cleanLine, cleanText } from '../ideas';
import { type SegmentFilter, segmentMemberIds } from '../segments';

export const POST_MAX = 2000;
export const REASON_MAX = 300;

export interface NewBoard {
	name: string;
	purpose: string;
	seats: number;
	termEndsAt: Date;
}

export async function createBoard(db: Database, input: NewBoard, staffId: string): Promise<Board> {
	return db.transaction(async (tx) => {
		const [board] = await tx
			.insert(boards)
			.values({ ...input, createdBy: staffId })
			.returning();
		await audit(tx, {
			actorId: staffId,
			action: 'board.create',
			subjectType: 'board',
			subjectId: String(board.id)
		});
		return board;
	});
}

export async function getBoard(db: Queryable, id: number): Promise<Board | undefined> {
	const [board] = await db.select().from(boards).where(eq(boards.id, id)).limit(1);
	return board;
}

export async function listBoards(db: Queryable) {
	return db
		.select({
			board: boards,
			pending:
				sql<number>`(select count(*) from ${boardInvitations} i where i.board_id = ${boards.id} and i.status = 'pending')`.mapWith(
					Number
				)
		})
		.from(boards)
		.orderBy(desc(boards.createdAt));
}

export type InviteResult = { invited: number; alreadyInvited: number };

/** Invites every member of the segment not yet invited to this board; each hears in their inbox. */
export async function inviteSegment(
	db: Database,
	args: { boardId: number; filter: SegmentFilter; deadline: Date; staffId: string; now?: Date }
): Promise<InviteResult> {
	const now = args.now ?? new Date();
	return db.transaction(async (tx) => {
		const [board] = await tx.select().from(boards).where(eq(boards.id, args.boardId)).for('update');
		if (!board) return { invited: 0, alreadyInvited: 0 };
		const ids = await segmentMemberIds(tx, args.filter, now);
		const invited: string[] = [];
		for (let i = 0; i < ids.length; i += 500) {
			const rows = await tx
				.insert(boardInvitations)
				.values(
					ids.slice(i, i + 500).map((memberId) => ({
						boardId: board.id,
						memberId,
						deadline: args.deadline,
						invitedBy: args.staffId
					}))
				)
				.onConflictDoNothing()
				.returning({ memberId: boardInvitations.memberId });
			invited.push(...rows.map((r) => r.memberId));
		}
		const deadline = formatDay(args.deadline, houseTimeZone());
		const items = await applyWording(
			tx,
			'board_invitation',
			invited.map((memberId) => ({
				memberId,
				kind: 'board_invitation',
				title: `You are invited to join the ${board.name}`,
				body: `${board.purpose ? board.purpose + ' ' : ''}Please answer by ${deadline}.`,
				link: '/board',
				data: { boardId: board.id },
				dedupeKey: `board-invite:${board.id}:${memberId}`,
				vars: { board: board.name, purpose: board.purpose ?? '', deadline }
			}))
		);
		for (let i = 0; i < items.length; i += 500) await notify(tx, items.slice(i, i + 500));
		await audit(tx, {
			actorId: args.staffId,
			action: 'board.invite',
			subjectType: 'board',
			subjectId: String(board.id),
			details: { invited: invited.length, filter: args.filter, deadline: args.deadline.toISOString() }
		});
		return { invited: invited.length, alreadyInvited: ids.length - invited.length };
	});
}

export type RespondRefusal = 'not_found' | 'answered' | 'deadline_passed' | 'board_full' | 'invalid';
export type RespondResult = { ok: true } | { ok: false; code: RespondRefusal; message: string };

const refuse = (code: RespondRefusal, message: string): RespondResult => ({ ok: false, code, message });

/**
 * Accepts an invitation. The seat is taken by one conditional UPDATE (`seats_taken < seats`):
 * Postgres re-checks the condition after waiting for a concurrent acceptance, so seats never
 * overfill (and a CHECK constraint stands behind it).
 */
export async function acceptInvitation(
	db: Database,
	invitationId: number,
	memberId: string,
	now = new Date()
): Promise<RespondResult> {
	return db.transaction(async (tx) => {
		const [inv] = await tx
			.select()
			.from(boardInvitations)
			.where(and(eq(boardInvitations.id, invitationId), eq(boardInvitations.memberId, memberId)))
			.for('update');
		if (!inv) return refuse('not_found', 'This invitation does not exist.');
		if (inv.status !== 'pending')
			return refuse('answered', `You have already ${inv.status} this invitation.`);
		if (inv.deadline <= now)
			return refuse(
				'deadline_passed',
				'The deadline to answer this invitation has passed, so it can no longer be accepted.'
			);
		const [seat] = await tx
			.update(boards)
			.set({ seatsTaken: sql`${boards.seatsTaken} + 1`, updatedAt: now })
			.where(and(eq(boards.id, inv.boardId), lt(boards.seatsTaken, boards.seats)))
			.returning({ id: boards.id });
		if (!seat)
			return refuse(
				'board_full',
				'Every seat on this board has been taken, so the invitation can no longer be accepted. Thank you for answering.'
			);
		await tx
			.update(boardInvitations)
			.set({ status: 'accepted', respondedAt: now })
			.where(eq(boardInvitations.id, inv.id));
		return { ok: true } as const;
	});
}

export async function declineInvitation(
	db: Database,
	invitationId: number,
	memberId: string,
	rawReason: string,
	now = new Date()
): Promise<RespondResult> {
	const reason = cleanLine(rawReason);
	const check = checkLength(reason, 0, REASON_MAX, 'the reason');
	if (!check.ok) return refuse('invalid', check.message);
	const [row] = await db
		.update(boardInvitations)
		.set({ status: 'declined', respondedAt: now, declineReason: reason || null })
		.where(
			and(
				eq(boardInvitations.id, invitationId),
				eq(boardInvitations.memberId, memberId),
				eq(boardInvitations.status, 'pending')
			)
		)
		.returning({ id: boardInvitations.id });
	if (!row) return refuse('answered', 'This invitation has already been answered.');
	return { ok: true };
}

export async function invitationsFor(db: Queryable, memberId: string) {
	return db
		.select({ invitation: boardInvitations, board: boards })
		.from(boardInvitations)
		.innerJoin(boards, eq(boards.id, boardInvitations.boardId))
		.where(eq(boardInvitations.memberId, memberId))
		.orderBy(desc(boardInvitations.createdAt));
}

export async function invitationsOfBoard(db: Queryable, boardId: number) {
	return db
		.select({
			id: boardInvitations.id,
			status: boardInvitations.status,
			deadline: boardInvitations.deadline,
			declineReason: boardInvitations.declineReason,
			respondedAt: boardInvitations.respondedAt,
			name: users.displayName,
			email: users.email
		})
		.from(boardInvitations)
		.innerJoin(users, eq(users.id, boardInvitations.memberId))
		.where(eq(boardInvitations.boardId, boardId))
		.orderBy(asc(boardInvitations.status), asc(users.displayName));
}

export async function isBoardMember(db: Queryable, boardId: number, memberId: string): Promise<boolean> {
	const [row] = await db
		.select({ n: count() })
		.from(boardInvitations)
		.where(
			and(
				eq(boardInvitations.boardId, boardId),
				eq(boardInvitations.memberId, memberId),
				eq(boardInvitations.status, 'accepted')
			)
		);
	return row.n > 0;
}

async function memberIds(db: Queryable, boardId: number): Promise<string[]> {
	const rows = await db
		.select({ id: boardInvitations.memberId })
		.from(boardInvitations)
		.where(and(eq(boardInvitations.boardId, boardId), eq(boardInvitations.status, 'accepted')));
	return rows.map((r) => r.id);
}

// Discussion -------------------------------------------------------------------------------------

export type PostResult = { ok: true } | { ok: false; errors: Record<string, string> };

/** A post, a reply (one level deep, same board) or, from staff, an update that members are told about. */
export async function addPost(
	db: Database,
	args: { boardId: number; authorId: string; body: string; parentId?: number | null; isUpdate?: boolean }
): Promise<PostResult> {
	const body = cleanText(args.body);
	const check = checkLength(body, 1, POST_MAX, 'your message');
	if (!check.ok) return { ok: false, errors: { body: check.message } };
	return db.transaction(async (tx) => {
		if (args.parentId) {
			const [parent] = await tx
				.select()
				.from(boardPosts)
				.where(
					and(
						eq(boardPosts.id, args.parentId),
						eq(boardPosts.boardId, args.boardId),
						isNull(boardPosts.parentId)
					)
				)
				.limit(1);
			if (!parent || parent.hiddenAt)
				return { ok: false, errors: { body: 'That thread is not open for replies.' } };
		}
		const [post] = await tx
			.insert(boardPosts)
			.values({
				boardId: args.boardId,
				authorId: args.authorId,
				body,
				parentId: args.parentId ?? null,
				isUpdate: !!args.isUpdate && !args.parentId
			})
			.returning({ id: boardPosts.id });
		if (args.isUpdate && !args.parentId) {
			const [board] = await tx.select().from(boards).where(eq(boards.id, args.boardId));
			const items = (await memberIds(tx, args.boardId)).map((memberId) => ({
				memberId,
				kind: 'board_update',
				title: `New update on the ${board.name}`,
				body: body.slice(0, 200),
				link: `/board/${args.boardId}`,
				dedupeKey: `board-update:${post.id}:${memberId}`
			}));
			await notify(tx, items);
		}
		return { ok: true } as const;
	});
}

export async function moderatePost(
	db: Database,
	args: { boardId: number; postId: number; action: 'pin' | 'unpin' | 'hide' | 'show'; staffId: string }
): Promise<boolean> {
	const set =
		args.action === 'pin' || args.action === 'unpin'
			? { pinned: args.action === 'pin' }
			: { hiddenAt: args.action === 'hide' ? new Date() : null };
	return db.transaction(async (tx) => {
		const [row] = await tx
			.update(boardPosts)
			.set(set)
			.where(and(eq(boardPosts.id, args.postId), eq(boardPosts.boardId, args.boardId)))
			.returning({ id: boardPosts.id });
		if (row)
			await audit(tx, {
				actorId: args.staffId,
				action: `board.post.${args.action}`,
				subjectType: 'board_post',
				subjectId: String(args.postId)
			});
		return !!row;
	});
}

export interface PostView {
	id: number;
	body: string;
	author: string;
	authorIsStaff: boolean;
	isUpdate: boolean;
	pinned: boolean;
	hidden: boolean;
	createdAt: Date;
	replies: PostView[];
}

/** Threads: pinned first, then newest; replies oldest first. Hidden posts only for staff. */
export async function listPosts(db: Queryable, boardId: number, includeHidden: boolean): Promise<PostView[]> {
	const rows = await db
		.select({ post: boardPosts, author: users.displayName, role: users.role })
		.from(boardPosts)
		.innerJoin(users, eq(users.id, boardPosts.authorId))
		.where(and(eq(boardPosts.boardId, boardId), includeHidden ? undefined : isNull(boardPosts.hiddenAt)))
		.orderBy(asc(boardPosts.createdAt), asc(boardPosts.id));
	const view = (r: (typeof rows)[number]): PostView => ({
		id: r.post.id,
		body: r.post.body,
		author: r.author,
		authorIsStaff: r.role !== 'fan',
		isUpdate: r.post.isUpdate,
		pinned: r.post.pinned,
		hidden: r.post.hiddenAt !== null,
		createdAt: r.post.createdAt,
		replies: []
	});
	const top = rows.filter((r) => r.post.parentId === null).map(view);
	const byId = new Map(top.map((p) => [p.id, p]));
	for (const r of rows) if (r.post.parentId !== null) byId.get(r.post.parentId)?.replies.push(view(r));
	return top.sort(
		(a, b) => Number(b.pinned) - Number(a.pinned) || b.createdAt.getTime() - a.createdAt.getTime()
	);
}

// Sessions ---------------------------------------------------------------------------------------

export async function addSession(
	db: Database,
	args: { boardId: number; title: string; startsAt: Date; link: string; staffId: string }
): Promise<void> {
	await db.transaction(async (tx) => {
		const [session] = await tx
			.insert(boardSessions)
			.values({ boardId: args.boardId, title: args.title, startsAt: args.startsAt, link: args.link })
			.returning();
		const items = (await memberIds(tx, args.boardId)).map((memberId) => ({
			memberId,
			kind: 'board_session',
			title: `Board session: ${args.title}`,
			body: 'Let us know if you can make it.',
			link: `/board/${args.boardId}`,
			dedupeKey: `board-session:${session.id}:${memberId}`
		}));
		await notify(tx, items);
		await audit(tx, {
			actorId: args.staffId,
			action: 'board.session',
			subjectType: 'board',
			subjectId: String(args.boardId)
		});
	});
}

export async function listSessions(db: Queryable, boardId: number, memberId: string, now = new Date()) {
	const sessions = await db
		.select()
		.from(boardSessions)
		.where(
			and(
				eq(boardSessions.boardId, boardId),
				gt(boardSessions.startsAt, new Date(now.getTime() - 86_400_000))
			)
		)
		.orderBy(asc(boardSessions.startsAt));
	if (sessions.length === 0) return [];
	const rsvps = await db
		.select()
		.from(boardSessionRsvps)
		.where(
			inArray(
				boardSessionRsvps.sessionId,
				sessions.map((s) => s.id)
			)
		);
	return sessions.map((s) => {
		const mine = rsvps.find((r) => r.sessionId === s.id && r.memberId === memberId);
		const of = (response: string) =>
			rsvps.filter((r) => r.sessionId === s.id && r.response === response).length;
		return { ...s, mine: mine?.response ?? null, yes: of('yes'), maybe: of('maybe'), no: of('no') };
	});
}

export async function rsvp(
	db: Queryable,
	args: { boardId: number; sessionId: number; memberId: string; response: 'yes' | 'no' | 'maybe' }
): Promise<boolean> {
	const [session] = await db
		.select({ id: boardSessions.id })
		.from(boardSessions)
		.where(and(eq(boardSessions.id, args.sessionId), eq(boardSessions.boardId, args.boardId)));
	if (!session) return false;
	await db
		.insert(boardSessionRsvps)
		.values({ sessionId: session.id, memberId: args.memberId, response: args.response })
		.onConflictDoUpdate({
			target: [boardSessionRsvps.sessionId, boardSessionRsvps.memberId],
			set: { response: args.response, updatedAt: new Date() }
		});
	return true;
}
