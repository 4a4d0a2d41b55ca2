// Polls in the database: create, list, vote, count and close with an outcome. The rules are in
// ./rules, ./ballot and ./tally; this module only reads, writes and calls them.
import { and, asc, count, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db';
import { pollBallots, pollOptions, polls, users, type Poll, type PollOption } from '../db/schema';
import { audit } from '../audit';
import { notify, type NewInboxItem, applyWording, postMoments } from '../notifications';
import { recordEngagement } from '../loyalty';
import { firstName } from '../../format';
import { validateBallot, type BallotInput } from './ballot';
import type { NewPoll } from './form';
import { ballotWeight, isEligible, pollPhase } from './rules';
import { instantRunoff, tallyChoices, type RunoffResult, type Tally } from './tally';

export interface PollWithOptions extends Poll {
	options: PollOption[];
}

export async function createPoll(db: Database, input: NewPoll, staffId: string): Promise<Poll> {
	return db.transaction(async (tx) => {
		const { options, ...fields } = input;
		const [poll] = await tx
			.insert(polls)
			.values({ ...fields, createdBy: staffId })
			.returning();
		await tx
			.insert(pollOptions)
			.values(
				options.map((o, i) => ({ pollId: poll.id, label: o.label, imageUrl: o.imageUrl, position: i }))
			);
		await audit(tx, {
			actorId: staffId,
			action: 'poll.create',
			subjectType: 'poll',
			subjectId: String(poll.id),
			details: { question: poll.question, kind: poll.kind }
		});
		return poll;
	});
}

export async function getPoll(db: Queryable, id: number): Promise<PollWithOptions | undefined> {
	const [poll] = await db.select().from(polls).where(eq(polls.id, id)).limit(1);
	if (!poll) return undefined;
	const options = await db
		.select()
		.from(pollOptions)
		.where(eq(pollOptions.pollId, id))
		.orderBy(asc(pollOptions.position), asc(pollOptions.id));
	return { ...poll, options };
}

export interface PollSummary extends Poll {
	ballots: number;
	/** The viewer has a ballot in it. */
	voted: boolean;
}

/** Every poll, newest first, with its ballot count and whether `memberId` voted. */
export async function listPolls(db: Queryable, memberId: string | null): Promise<PollSummary[]> {
	const rows = await db
		.select({
			poll: polls,
			ballots: sql<number>`(select count(*) from ${pollBallots} b where b.poll_id = ${polls.id})`.mapWith(
				Number
			),
			voted: memberId
				? sql<boolean>`exists (select 1 from ${pollBallots} b where b.poll_id = ${polls.id} and b.member_id = ${memberId})`
				: sql<boolean>`false`
		})
		.from(polls)
		.orderBy(desc(polls.opensAt), desc(polls.id));
	return rows.map((r) => ({ ...r.poll, ballots: r.ballots, voted: !!r.voted }));
}

export async function getBallot(db: Queryable, pollId: number, memberId: string) {
	const [ballot] = await db
		.select()
		.from(pollBallots)
		.where(and(eq(pollBallots.pollId, pollId), eq(pollBallots.memberId, memberId)))
		.limit(1);
	return ballot;
}

export type VoteRefusal = 'not_found' | 'upcoming' | 'closed' | 'ineligible' | 'already_voted' | 'invalid';

export type VoteOutcome =
	| { ok: true; status: 'cast' | 'changed' }
	| { ok: false; code: VoteRefusal; message: string; errors?: Record<string, string> };

const refusal = (code: VoteRefusal, message: string, errors?: Record<string, string>): VoteOutcome => ({
	ok: false,
	code,
	message,
	errors
});

/**
 * Casts (or, where the poll allows it, replaces) a member's ballot. The unique index on
 * (poll, member) decides races: of two concurrent first ballots one inserts and earns the
 * engagement, the other finds it and replaces it (or is refused). Nothing is written on refusal.
 */
export async function castBallot(
	db: Database,
	args: { pollId: number; memberId: string; rank: number; input: BallotInput; now?: Date }
): Promise<VoteOutcome> {
	const now = args.now ?? new Date();
	const poll = await getPoll(db, args.pollId);
	if (!poll) return refusal('not_found', 'This poll does not exist.');
	const phase = pollPhase(poll, now);
	if (phase === 'upcoming') return refusal('upcoming', 'This poll is not open yet.');
	if (phase === 'closed') return refusal('closed', 'This poll has closed: ballots are no longer accepted.');
	if (!isEligible(poll, args.rank)) return refusal('ineligible', 'This poll is for members of other tiers.');
	const checked = validateBallot(
		{ kind: poll.kind, maxChoices: poll.maxChoices, optionIds: poll.options.map((o) => o.id) },
		args.input
	);
	if (!checked.ok)
		return refusal('invalid', 'Your ballot was not counted: see the message below.', checked.errors);
	const weight = ballotWeight(poll, args.rank);

	return db.transaction(async (tx) => {
		const inserted = await tx
			.insert(pollBallots)
			.values({
				pollId: poll.id,
				memberId: args.memberId,
				choices: checked.choices,
				rank: args.rank,
				weight,
				createdAt: now,
				updatedAt: now
			})
			.onConflictDoNothing()
			.returning({ id: pollBallots.id });
		if (inserted.length === 1) {
			await recordEngagement(tx, {
				memberId: args.memberId,
				kind: 'poll_vote',
				object: `poll:${poll.id}`,
				occurredAt: now,
				source: 'portal',
				idempotencyKey: `poll_vote:${poll.id}:${args.memberId}`
			});
			await celebrateFirstVote(tx, args.memberId, poll);
			return { ok: true, status: 'cast' } as const;
		}
		if (!poll.allowChange)
			return refusal('already_voted', 'You have already voted in this poll, and ballots cannot be changed.');
		await tx
			.update(pollBallots)
			.set({ choices: checked.choices, rank: args.rank, weight, updatedAt: now })
			.where(and(eq(pollBallots.pollId, poll.id), eq(pollBallots.memberId, args.memberId)));
		return { ok: true, status: 'changed' } as const;
	});
}

/** "Your first vote is in!": once per member ever (the dedupe key holds under concurrency). */
async function celebrateFirstVote(tx: Queryable, memberId: string, poll: Pick<Poll, 'id' | 'question'>) {
	const [{ n }] = await tx.select({ n: count() }).from(pollBallots).where(eq(pollBallots.memberId, memberId));
	if (n !== 1) return;
	const [member] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, memberId));
	await postMoments(tx, 'first_vote', [
		{
			memberId,
			vars: { name: member ? firstName(member.name) : '', poll: poll.question },
			link: `/polls/${poll.id}`,
			dedupeKey: `first-vote:${memberId}`
		}
	]);
}

export type PollResults =
	{ kind: 'single' | 'multiple'; tally: Tally } | { kind: 'ranked'; tally: Tally; runoff: RunoffResult };

/** Counts every ballot. For ranked polls `tally` holds first preferences, `runoff` the rounds. */
export async function pollResults(db: Queryable, poll: PollWithOptions): Promise<PollResults> {
	const ballots = await db
		.select({ choices: pollBallots.choices, weight: pollBallots.weight })
		.from(pollBallots)
		.where(eq(pollBallots.pollId, poll.id));
	const ids = poll.options.map((o) => o.id);
	if (poll.kind !== 'ranked') return { kind: poll.kind, tally: tallyChoices(ids, ballots) };
	const firsts = ballots.map((b) => ({ choices: b.choices.slice(0, 1), weight: b.weight }));
	return { kind: 'ranked', tally: tallyChoices(ids, firsts), runoff: instantRunoff(ids, ballots) };
}

export async function ballotCount(db: Queryable, pollId: number): Promise<number> {
	const [row] = await db.select({ n: count() }).from(pollBallots).where(eq(pollBallots.pollId, pollId));
	return row.n;
}

/** Staff end a poll early: it closes now (a poll that has not opened cannot be closed). */
export async function closePollNow(db: Database, pollId: number, staffId: string, now = new Date()) {
	return db.transaction(async (tx) => {
		const [row] = await tx
			.update(polls)
			.set({ closesAt: now, updatedAt: now })
			.where(and(eq(polls.id, pollId), lte(polls.opensAt, now), gt(polls.closesAt, now)))
			.returning({ id: polls.id });
		if (row)
			await audit(tx, {
				actorId: staffId,
				action: 'poll.close',
				subjectType: 'poll',
				subjectId: String(pollId)
			});
		return !!row;
	});
}

export type OutcomeResult = { ok: true; notified: number } | { ok: false; message: string };

/**
 * Publishes (or corrects) the outcome note of a closed poll and tells every voter in their inbox.
 * Each voter hears once per poll (dedupe key); a corrected note updates the page, not the inbox.
 */
export async function publishOutcome(
	db: Database,
	pollId: number,
	note: string,
	staffId: string,
	now = new Date()
): Promise<OutcomeResult> {
	return db.transaction(async (tx) => {
		const [poll] = await tx.select().from(polls).where(eq(polls.id, pollId)).for('update');
		if (!poll) return { ok: false, message: 'This poll does not exist.' };
		if (pollPhase(poll, now) !== 'closed')
			return { ok: false, message: 'Close the poll before publishing its outcome.' };
		await tx
			.update(polls)
			.set({ outcomeNote: note, outcomePublishedAt: poll.outcomePublishedAt ?? now, updatedAt: now })
			.where(eq(polls.id, pollId));
		const voters = await tx
			.select({ memberId: pollBallots.memberId })
			.from(pollBallots)
			.where(eq(pollBallots.pollId, pollId));
		const items: NewInboxItem[] = await applyWording(
			tx,
			'poll_outcome',
			voters.map((v) => ({
				memberId: v.memberId,
				kind: 'poll_outcome',
				title: `You voted: here is what happens — ${poll.question}`,
				body: note,
				link: `/polls/${pollId}`,
				data: { pollId },
				dedupeKey: `poll-outcome:${pollId}:${v.memberId}`,
				vars: { poll: poll.question, note }
			}))
		);
		for (let i = 0; i < items.length; i += 500) await notify(tx, items.slice(i, i + 500));
		await audit(tx, {
			actorId: staffId,
			action: 'poll.outcome',
			subjectType: 'poll',
			subjectId: String(pollId),
			details: { voters: voters.length }
		});
		return { ok: true, notified: voters.length };
	});
}

/** Adds an option to a poll (used to take an idea into a poll). */
export async function addPollOption(
	tx: Queryable,
	pollId: number,
	option: { label: string; imageUrl?: string | null; ideaId?: number | null }
): Promise<PollOption> {
	const [{ next }] = await tx
		.select({ next: sql<number>`coalesce(max(${pollOptions.position}) + 1, 0)`.mapWith(Number) })
		.from(pollOptions)
		.where(eq(pollOptions.pollId, pollId));
	const [row] = await tx
		.insert(pollOptions)
		.values({
			pollId,
			label: option.label,
			imageUrl: option.imageUrl ?? null,
			ideaId: option.ideaId ?? null,
			position: next
		})
		.returning();
	return row;
}

export async function optionCount(db: Queryable, pollIds: number[]): Promise<Map<number, number>> {
	if (pollIds.length === 0) return new Map();
	const rows = await db
		.select({ pollId: pollOptions.pollId, n: count() })
		.from(pollOptions)
		.where(inArray(pollOptions.pollId, pollIds))
		.groupBy(pollOptions.pollId);
	return new Map(rows.map((r) => [r.pollId, r.n]));
}
