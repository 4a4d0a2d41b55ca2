// Feedback requests in the database: the house's settings, asking members (the rules in
// rules.ts, each request through notify), the answers, cancellation reasons and drop reactions.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db';
import {
	feedbackRequests,
	feedbackSettings,
	memberTiers,
	users,
	type FeedbackKind,
	type FeedbackRequest
} from '../db/schema';
import { audit } from '../audit';
import { getOrCreateSecret } from '../secrets';
import { notify, type NewInboxItem } from '../notifications';
import { recordEngagement } from '../loyalty';
import {
	DAY_MS,
	LINK_DAYS,
	MAX_COMMENT,
	REANSWER_DAYS,
	SENT_KINDS,
	mayAnswer,
	mayAsk,
	scaleOf,
	type AnswerRefusal
} from './rules';
import { signFeedbackToken, verifyFeedbackToken } from './token';

export const FEEDBACK_KIND = 'feedback_request';
export const FEEDBACK_NOTE_KIND = 'feedback_note';
export const FEEDBACK_EARNING_KIND = 'feedback_given';

export const feedbackSecret = (db: Queryable) => getOrCreateSecret(db, 'feedback-links');

export interface FeedbackSettings {
	gapDays: number;
	npsGapDays: number;
	morningHour: number;
}

export async function getFeedbackSettings(db: Queryable): Promise<FeedbackSettings> {
	const [row] = await db.select().from(feedbackSettings).where(eq(feedbackSettings.id, 1));
	return row ?? { gapDays: 7, npsGapDays: 90, morningHour: 10 };
}

/** The asking settings, with an audit entry saying who changed what from what. */
export async function saveFeedbackSettings(
	db: Database,
	settings: FeedbackSettings,
	actorId: string
): Promise<void> {
	await db.transaction(async (tx) => {
		const before = await getFeedbackSettings(tx);
		await tx
			.insert(feedbackSettings)
			.values({ id: 1, ...settings, updatedAt: new Date() })
			.onConflictDoUpdate({ target: feedbackSettings.id, set: { ...settings, updatedAt: new Date() } });
		const pick = (x: FeedbackSettings) => ({
			gapDays: x.gapDays,
			npsGapDays: x.npsGapDays,
			morningHour: x.morningHour
		});
		await audit(tx, {
			actorId,
			action: 'feedback.settings_changed',
			subjectType: 'feedback_settings',
			subjectId: '1',
			details: { before: pick(before), after: pick(settings) }
		});
	});
}

/** The link a request's answer page lives at: good for the answer window and the week to change it. */
export async function feedbackLink(db: Queryable, request: Pick<FeedbackRequest, 'id' | 'sentAt'>) {
	const expires = new Date(request.sentAt.getTime() + (LINK_DAYS + REANSWER_DAYS) * DAY_MS);
	return `/feedback/${signFeedbackToken(await feedbackSecret(db), request.id, expires)}`;
}

export interface Ask {
	memberId: string;
	kind: FeedbackKind;
	subject: string;
	subjectLabel: string;
	eventId?: number | null;
	dropId?: number | null;
	title: string;
	body: string;
}

interface MemberFacts {
	id: string;
	role: 'fan' | 'staff' | 'admin';
	optedOut: boolean;
	lastSentAt: Date | null;
	lastNpsAt: Date | null;
	rank: number;
}

const asDate = (v: unknown) => (v == null ? null : new Date(v as string));

/** Role, opt-out, last requests and tier of each member (erased accounts are left out). */
async function memberFacts(db: Queryable, memberIds: string[]): Promise<Map<string, MemberFacts>> {
	const facts = new Map<string, MemberFacts>();
	for (let i = 0; i < memberIds.length; i += 500) {
		const ids = memberIds.slice(i, i + 500);
		const rows = await db
			.select({
				id: users.id,
				role: users.role,
				optedOut: sql<boolean>`(
					exists (select 1 from notification_preferences p where p.member_id = ${users.id}
						and p.kind = ${FEEDBACK_KIND} and p.channel = 'email' and not p.enabled)
					and exists (select 1 from notification_preferences p where p.member_id = ${users.id}
						and p.kind = ${FEEDBACK_KIND} and p.channel = 'push' and not p.enabled))`,
				lastSentAt: sql<string | null>`(select max(r.sent_at) from feedback_requests r
					where r.member_id = ${users.id} and r.kind in ${SENT_KINDS})`,
				lastNpsAt: sql<string | null>`(select max(r.sent_at) from feedback_requests r
					where r.member_id = ${users.id} and r.kind = 'nps')`,
				rank: sql<number>`coalesce(${memberTiers.rank}, 0)`
			})
			.from(users)
			.leftJoin(memberTiers, eq(memberTiers.memberId, users.id))
			.where(and(inArray(users.id, ids), sql`${users.email} not like '%@invalid'`));
		for (const r of rows)
			facts.set(r.id, {
				id: r.id,
				role: r.role,
				optedOut: !!r.optedOut,
				lastSentAt: asDate(r.lastSentAt),
				lastNpsAt: asDate(r.lastNpsAt),
				rank: Number(r.rank)
			});
	}
	return facts;
}

/**
 * Sends the requests the rules allow: never to staff or opted-out members, one per member per gap,
 * the survey at most every npsGapDays; each member and subject is asked once ever (a unique index).
 * The caller serialises concurrent runs (runFeedbackDueWork locks the settings row), so the gap holds
 * across app instances too. Returns the requests sent.
 */
export async function askMembers(tx: Queryable, asks: readonly Ask[], now: Date): Promise<number> {
	if (asks.length === 0) return 0;
	const settings = await getFeedbackSettings(tx);
	const facts = await memberFacts(tx, [...new Set(asks.map((a) => a.memberId))]);
	const chosen: (Ask & { rank: number })[] = [];
	const taken = new Set<string>();
	for (const ask of asks) {
		const member = facts.get(ask.memberId);
		if (!member || taken.has(ask.memberId)) continue;
		if (!mayAsk(member, ask.kind, settings, now).ok) continue;
		taken.add(ask.memberId);
		chosen.push({ ...ask, rank: member.rank });
	}
	if (chosen.length === 0) return 0;
	const inserted = await tx
		.insert(feedbackRequests)
		.values(
			chosen.map((a) => ({
				memberId: a.memberId,
				kind: a.kind,
				subject: a.subject,
				subjectLabel: a.subjectLabel,
				eventId: a.eventId ?? null,
				dropId: a.dropId ?? null,
				rank: a.rank,
				sentAt: now
			}))
		)
		.onConflictDoNothing()
		.returning();
	const byKey = new Map(chosen.map((a) => [`${a.memberId}|${a.kind}|${a.subject}`, a]));
	const items: NewInboxItem[] = [];
	for (const row of inserted) {
		const ask = byKey.get(`${row.memberId}|${row.kind}|${row.subject}`)!;
		items.push({
			memberId: row.memberId,
			kind: FEEDBACK_KIND,
			title: ask.title,
			body: ask.body,
			link: await feedbackLink(tx, row),
			data: { feedbackRequestId: row.id, about: row.subjectLabel },
			dedupeKey: `feedback:${row.id}`
		});
	}
	for (let i = 0; i < items.length; i += 500) await notify(tx, items.slice(i, i + 500));
	return inserted.length;
}

export interface AnswerPage {
	request: FeedbackRequest;
	/** Where the member may still answer (or change their answer once). */
	open: boolean;
	closedBecause: AnswerRefusal | null;
}

export type TokenLookup =
	({ ok: true } & AnswerPage) | { ok: false; status: 400 | 404 | 410; message: string };

/** The request a link names, or why the link does not work. */
export async function requestFromToken(db: Queryable, token: string, now = new Date()): Promise<TokenLookup> {
	const check = verifyFeedbackToken(await feedbackSecret(db), token, now);
	if (!check.ok)
		return check.why === 'expired'
			? { ok: false, status: 410, message: 'This feedback link has expired. Thank you all the same.' }
			: {
					ok: false,
					status: 400,
					message: 'This feedback link is not valid. Check that it was copied whole.'
				};
	const [request] = await db.select().from(feedbackRequests).where(eq(feedbackRequests.id, check.requestId));
	if (!request) return { ok: false, status: 404, message: 'This feedback request no longer exists.' };
	const may = mayAnswer(request, now);
	return { ok: true, request, open: may.ok, closedBecause: may.ok ? null : may.why };
}

export interface AnswerInput {
	score: number | null;
	comment: string | null;
	reason: string | null;
}

export type AnswerResult =
	| { ok: true; replaced: boolean; points: number }
	| { ok: false; field: 'score' | 'comment' | 'reason' | 'form'; message: string };

const REFUSALS: Record<AnswerRefusal, string> = {
	expired: 'This question has closed. Thank you all the same.',
	'already-changed': 'You have already changed this answer once; it is kept as it is.',
	'too-late-to-change': `An answer can be changed within ${REANSWER_DAYS} days; this one is kept as it is.`
};

/**
 * Records an answer; a second one replaces the first, once, within REANSWER_DAYS. The first answer
 * earns the feedback rule's points (capped by the rule; staff may set 0), in the same transaction.
 */
export async function answerRequest(
	db: Database,
	requestId: number,
	input: AnswerInput,
	now = new Date()
): Promise<AnswerResult> {
	if (input.comment && input.comment.length > MAX_COMMENT)
		return { ok: false, field: 'comment', message: `At most ${MAX_COMMENT} characters, please.` };
	return db.transaction(async (tx) => {
		const [request] = await tx
			.select()
			.from(feedbackRequests)
			.where(eq(feedbackRequests.id, requestId))
			.for('update');
		if (!request) return { ok: false, field: 'form', message: 'This feedback request no longer exists.' };
		if (request.kind === 'cancellation') {
			if (!input.reason) return { ok: false, field: 'reason', message: 'Pick a reason.' };
		} else {
			const { min, max } = scaleOf(request.kind);
			if (input.score == null || !Number.isInteger(input.score) || input.score < min || input.score > max)
				return { ok: false, field: 'score', message: `Pick a score from ${min} to ${max}.` };
		}
		const may = mayAnswer(request, now);
		if (!may.ok) return { ok: false, field: 'form', message: REFUSALS[may.why] };
		await tx
			.update(feedbackRequests)
			.set({
				score: request.kind === 'cancellation' ? null : input.score,
				reason: request.kind === 'cancellation' ? input.reason : null,
				comment: input.comment?.trim() || null,
				answers: request.answers + 1,
				answeredAt: request.answeredAt ?? now
			})
			.where(eq(feedbackRequests.id, requestId));
		let points = 0;
		if (!may.replacing) {
			const earned = await recordEngagement(
				tx,
				{
					memberId: request.memberId,
					kind: FEEDBACK_EARNING_KIND,
					object: `feedback:${request.id}`,
					occurredAt: now,
					source: 'feedback',
					idempotencyKey: `feedback:${request.id}`
				},
				{ now }
			);
			points = earned.status === 'recorded' ? earned.entry.points : 0;
		}
		return { ok: true, replaced: may.replacing, points };
	});
}

/** Opens (or finds) the question a member answers on the spot: a cancellation or a drop reaction. */
export async function openQuestion(
	db: Queryable,
	ask: Omit<Ask, 'title' | 'body'>,
	now = new Date()
): Promise<FeedbackRequest> {
	const [rank] = await db
		.select({ rank: memberTiers.rank })
		.from(memberTiers)
		.where(eq(memberTiers.memberId, ask.memberId));
	await db
		.insert(feedbackRequests)
		.values({
			memberId: ask.memberId,
			kind: ask.kind,
			subject: ask.subject,
			subjectLabel: ask.subjectLabel,
			eventId: ask.eventId ?? null,
			dropId: ask.dropId ?? null,
			rank: rank?.rank ?? 0,
			sentAt: now
		})
		.onConflictDoNothing();
	const [row] = await db
		.select()
		.from(feedbackRequests)
		.where(
			and(
				eq(feedbackRequests.memberId, ask.memberId),
				eq(feedbackRequests.kind, ask.kind),
				eq(feedbackRequests.subject, ask.subject)
			)
		);
	return row;
}

/**
 * A patron cancelled: the one-tap "why?" page, and (when the cancellation came from Stripe, not from
 * our page) an inbox note with its link, unless the member opted out of feedback requests.
 */
export async function askWhyCancelled(
	tx: Queryable,
	input: { memberId: string; subscriptionRef: string; tierName: string; tell: boolean },
	now = new Date()
): Promise<string> {
	const request = await openQuestion(
		tx,
		{
			memberId: input.memberId,
			kind: 'cancellation',
			subject: `subscription:${input.subscriptionRef}`,
			subjectLabel: `${input.tierName} patronage`
		},
		now
	);
	const link = await feedbackLink(tx, request);
	if (input.tell && request.answers === 0) {
		const facts = (await memberFacts(tx, [input.memberId])).get(input.memberId);
		if (facts && facts.role === 'fan' && !facts.optedOut)
			await notify(tx, {
				memberId: input.memberId,
				kind: FEEDBACK_KIND,
				title: 'Sorry to see you go',
				body: `One tap: why did you end your ${input.tierName} patronage? It helps us do better.`,
				link,
				data: { feedbackRequestId: request.id },
				dedupeKey: `feedback:${request.id}`
			});
	}
	return link;
}

/** A member's reaction to a drop they opened (1–5); a second reaction replaces the first, once. */
export async function reactToDrop(
	db: Database,
	input: { memberId: string; dropId: number; dropTitle: string; score: number },
	now = new Date()
): Promise<AnswerResult> {
	const request = await openQuestion(
		db,
		{
			memberId: input.memberId,
			kind: 'drop',
			subject: `drop:${input.dropId}`,
			subjectLabel: input.dropTitle,
			dropId: input.dropId
		},
		now
	);
	return answerRequest(db, request.id, { score: input.score, comment: null, reason: null }, now);
}

/** The member's reaction to a drop, if any. */
export async function dropReaction(db: Queryable, memberId: string, dropId: number) {
	const [row] = await db
		.select({ score: feedbackRequests.score, answers: feedbackRequests.answers })
		.from(feedbackRequests)
		.where(
			and(
				eq(feedbackRequests.memberId, memberId),
				eq(feedbackRequests.kind, 'drop'),
				eq(feedbackRequests.subject, `drop:${dropId}`)
			)
		);
	return row ?? null;
}

/** The "why did you leave?" link of the member's newest unanswered cancellation question, if any. */
export async function pendingCancellationLink(db: Queryable, memberId: string): Promise<string | null> {
	const [row] = await db
		.select()
		.from(feedbackRequests)
		.where(
			and(
				eq(feedbackRequests.memberId, memberId),
				eq(feedbackRequests.kind, 'cancellation'),
				eq(feedbackRequests.answers, 0)
			)
		)
		.orderBy(sql`${feedbackRequests.sentAt} desc`)
		.limit(1);
	return row ? feedbackLink(db, row) : null;
}
