// Ideas from members: submit (rate- and length-limited), support (one per member), and staff
// moderation with statuses and "take into a poll". Authors hear about every status change.
import { and, desc, eq, gt, ne, or, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db';
import { ideaStatus, ideaSupports, ideas, polls, type IdeaStatus } from '../db/schema';
import { audit } from '../audit';
import { notify } from '../notifications';
import { recordEngagement } from '../loyalty';
import { addPollOption, getPoll, MAX_OPTIONS, pollPhase } from '../polls';
import { consume, retryMessage, type Limit } from '../auth';
import { checkLength, cleanLine, cleanText } from './text';

export const IDEA_LIMIT: Limit = { max: 5, windowSeconds: 24 * 3600 };
export const TITLE_MAX = 80;
export const BODY_MAX = 600;
export const REASON_MAX = 300;

/** Every status an idea can have, in the order staff move it along. */
export const IDEA_STATUSES: readonly IdeaStatus[] = ideaStatus.enumValues;

export function isIdeaStatus(s: string | null): s is IdeaStatus {
	return !!s && (IDEA_STATUSES as readonly string[]).includes(s);
}

export const STATUS_LABEL: Record<IdeaStatus, string> = {
	received: 'Received',
	under_review: 'Under review',
	in_poll: 'Taken into a poll',
	done: 'Done',
	declined: 'Declined'
};

export type IdeaDraft = { title: string; body: string };

/** Cleans and checks a draft; errors by field. Pure. */
export function checkIdea(raw: {
	title: string;
	body: string;
}): { ok: true; idea: IdeaDraft } | { ok: false; errors: Record<string, string> } {
	const errors: Record<string, string> = {};
	const title = checkLength(cleanLine(raw.title), 5, TITLE_MAX, 'the idea');
	const body = checkLength(cleanText(raw.body), 0, BODY_MAX, 'the details');
	if (!title.ok) errors.title = title.message;
	if (!body.ok) errors.body = body.message;
	if (!title.ok || !body.ok) return { ok: false, errors };
	return { ok: true, idea: { title: title.value, body: body.value } };
}

export type SubmitResult = { ok: true; id: number } | { ok: false; errors: Record<string, string> };

export async function submitIdea(
	db: Database,
	memberId: string,
	raw: { title: string; body: string },
	now = new Date()
): Promise<SubmitResult> {
	const checked = checkIdea(raw);
	if (!checked.ok) return checked;
	const limit = await consume(db, `idea:${memberId}`, IDEA_LIMIT, now);
	if (!limit.allowed)
		return {
			ok: false,
			errors: {
				form: `You have shared ${IDEA_LIMIT.max} ideas today. ${retryMessage(limit.retryAfterSeconds)}`
			}
		};
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(ideas)
			.values({ memberId, ...checked.idea, createdAt: now, updatedAt: now })
			.returning({ id: ideas.id });
		await recordEngagement(tx, {
			memberId,
			kind: 'idea_submitted',
			object: `idea:${row.id}`,
			occurredAt: now,
			source: 'portal',
			idempotencyKey: `idea_submitted:${row.id}`
		});
		return { ok: true, id: row.id } as const;
	});
}

export interface IdeaRow {
	id: number;
	title: string;
	body: string;
	status: IdeaStatus;
	declineReason: string | null;
	pollId: number | null;
	createdAt: Date;
	memberId: string;
	author: string;
	supporters: number;
	supported: boolean;
}

function ideaColumns(viewerId: string | null) {
	return {
		id: ideas.id,
		title: ideas.title,
		body: ideas.body,
		status: ideas.status,
		declineReason: ideas.declineReason,
		pollId: ideas.pollId,
		createdAt: ideas.createdAt,
		memberId: ideas.memberId,
		author: sql<string>`(select display_name from users u where u.id = ${ideas.memberId})`,
		supporters: sql<number>`(select count(*) from ${ideaSupports} s where s.idea_id = ${ideas.id})`.mapWith(
			Number
		),
		supported: viewerId
			? sql<boolean>`exists (select 1 from ${ideaSupports} s where s.idea_id = ${ideas.id} and s.member_id = ${viewerId})`
			: sql<boolean>`false`
	};
}

/** What a member sees: everyone's ideas except declined ones, plus their own declined ones with the reason. */
export async function listIdeasFor(db: Queryable, viewerId: string): Promise<IdeaRow[]> {
	const rows = await db
		.select(ideaColumns(viewerId))
		.from(ideas)
		.where(or(ne(ideas.status, 'declined'), eq(ideas.memberId, viewerId)))
		.orderBy(desc(ideas.createdAt), desc(ideas.id))
		.limit(200);
	return rows.map((r) => ({ ...r, supported: !!r.supported }));
}

export async function listIdeasForStaff(db: Queryable, status: IdeaStatus | null): Promise<IdeaRow[]> {
	const rows = await db
		.select(ideaColumns(null))
		.from(ideas)
		.where(status ? eq(ideas.status, status) : undefined)
		.orderBy(desc(ideas.createdAt), desc(ideas.id))
		.limit(300);
	return rows.map((r) => ({ ...r, supported: false }));
}

export type SupportResult = { ok: true } | { ok: false; message: string };

/** One support per member per idea (the primary key is the rule); not for one's own or a declined idea. */
export async function setSupport(
	db: Queryable,
	ideaId: number,
	memberId: string,
	support: boolean
): Promise<SupportResult> {
	const [idea] = await db.select().from(ideas).where(eq(ideas.id, ideaId)).limit(1);
	if (!idea) return { ok: false, message: 'This idea does not exist.' };
	if (!support) {
		await db
			.delete(ideaSupports)
			.where(and(eq(ideaSupports.ideaId, ideaId), eq(ideaSupports.memberId, memberId)));
		return { ok: true };
	}
	if (idea.memberId === memberId)
		return { ok: false, message: 'This is your own idea: others can support it.' };
	if (idea.status === 'declined') return { ok: false, message: 'This idea was declined.' };
	await db.insert(ideaSupports).values({ ideaId, memberId }).onConflictDoNothing();
	return { ok: true };
}

const AUTHOR_NOTE: Record<IdeaStatus, string> = {
	received: 'Your idea is back to “received”.',
	under_review: 'The team is looking at your idea.',
	in_poll: 'Your idea is now an option in a poll: go and vote!',
	done: 'Your idea happened. Thank you for it!',
	declined: 'The team decided not to take your idea forward this time.'
};

async function notifyAuthor(
	tx: Queryable,
	idea: { id: number; memberId: string; title: string },
	status: IdeaStatus,
	body: string,
	link: string
) {
	await notify(tx, {
		memberId: idea.memberId,
		kind: 'idea_status',
		title: `${STATUS_LABEL[status]}: ${idea.title}`,
		body,
		link,
		data: { ideaId: idea.id, status },
		dedupeKey: `idea-status:${idea.id}:${status}`
	});
}

export type ModerationResult = { ok: true } | { ok: false; errors: Record<string, string> };

/** Staff set a status other than "taken into a poll" (that one comes with its poll). */
export async function setIdeaStatus(
	db: Database,
	ideaId: number,
	status: Exclude<IdeaStatus, 'in_poll'>,
	rawReason: string,
	staffId: string
): Promise<ModerationResult> {
	const reason = cleanLine(rawReason);
	if (status === 'declined') {
		const check = checkLength(reason, 5, REASON_MAX, 'the reason');
		if (!check.ok) return { ok: false, errors: { reason: check.message } };
	}
	return db.transaction(async (tx) => {
		const [idea] = await tx
			.update(ideas)
			.set({ status, declineReason: status === 'declined' ? reason : null, updatedAt: new Date() })
			.where(eq(ideas.id, ideaId))
			.returning();
		if (!idea) return { ok: false, errors: { form: 'This idea does not exist.' } };
		await notifyAuthor(
			tx,
			idea,
			status,
			status === 'declined' ? `${AUTHOR_NOTE.declined} ${reason}` : AUTHOR_NOTE[status],
			'/ideas'
		);
		await audit(tx, {
			actorId: staffId,
			action: 'idea.status',
			subjectType: 'idea',
			subjectId: String(ideaId),
			details: { status, reason: status === 'declined' ? reason : undefined }
		});
		return { ok: true } as const;
	});
}

/** Polls an idea can still join: not closed and with room for another option. */
export async function pollsAcceptingOptions(db: Queryable, now = new Date()) {
	const rows = await db
		.select({ id: polls.id, question: polls.question, opensAt: polls.opensAt, closesAt: polls.closesAt })
		.from(polls)
		.where(gt(polls.closesAt, now))
		.orderBy(desc(polls.opensAt));
	return rows.filter((p) => pollPhase(p, now) !== 'closed');
}

/** One step: the idea becomes an option of the poll, its status "taken into a poll", its author told. */
export async function takeIdeaIntoPoll(
	db: Database,
	ideaId: number,
	pollId: number,
	rawLabel: string,
	staffId: string,
	now = new Date()
): Promise<ModerationResult> {
	const [idea] = await db.select().from(ideas).where(eq(ideas.id, ideaId)).limit(1);
	if (!idea) return { ok: false, errors: { form: 'This idea does not exist.' } };
	const label = cleanLine(rawLabel || idea.title);
	const check = checkLength(label, 1, 120, 'the option label');
	if (!check.ok) return { ok: false, errors: { label: check.message } };
	const poll = await getPoll(db, pollId);
	if (!poll) return { ok: false, errors: { pollId: 'Choose a poll.' } };
	if (pollPhase(poll, now) === 'closed') return { ok: false, errors: { pollId: 'That poll has closed.' } };
	if (poll.options.length >= MAX_OPTIONS)
		return { ok: false, errors: { pollId: `That poll already has ${MAX_OPTIONS} options.` } };
	if (poll.options.some((o) => o.label.toLowerCase() === label.toLowerCase()))
		return { ok: false, errors: { label: 'The poll already has an option with this label.' } };
	return db.transaction(async (tx) => {
		await addPollOption(tx, pollId, { label, ideaId });
		await tx
			.update(ideas)
			.set({ status: 'in_poll', pollId, declineReason: null, updatedAt: now })
			.where(eq(ideas.id, ideaId));
		await notifyAuthor(tx, idea, 'in_poll', AUTHOR_NOTE.in_poll, `/polls/${pollId}`);
		await audit(tx, {
			actorId: staffId,
			action: 'idea.into_poll',
			subjectType: 'idea',
			subjectId: String(ideaId),
			details: { pollId, label }
		});
		return { ok: true } as const;
	});
}
