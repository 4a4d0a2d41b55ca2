// One engagement in two statements and no transaction, for the requests a fan waits on (the day's
// first visit, opening a drop). The first statement reads everything the engine would read for it
// (the member's tier row and its version, the key, the caps, the 12-month window) from one
// snapshot; the pure rules judge and fold in memory; the second statement writes the entry and the
// new tier row together, and only if the row is still the version read (its xmin): any write for
// the member in between (every ledger write updates the row) makes it apply nothing.
//
// Whatever needs more than that takes the engine's locked path, recordEngagement in a transaction:
// a write in between, a tier change (it logs the change and posts a moment), an entry older than
// the member's last (a replay), a hold ending, a key already used, a missing row, an adjustment.
// Either way the ledger and the tier row are exactly what the locked path alone would leave.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../db';
import { dateFromMs, epochMs } from '../db/batch';
import { houseTimeZone } from '../house';
import type { Engagement, MemberTier } from '../db/schema';
import { dayKey } from './earning';
import { cached, forgetCached } from '../cache';
import { cachedLadder } from './standing';
import { recordEngagement, stateOf, tierRowOf, type EngagementResult, type RecordOptions } from './engine';
import { judge, payloadHash, type EngagementInput } from './judge';
import { timelineFrom } from './ladder-store';
import { loadRules } from './rules-store';
import { foldEngagement, windowStart } from './tier-state';

/** Why the quick path stepped aside (for tests and logs): the locked path did the work. */
export type Detour =
	| 'adjustment'
	| 'no-row'
	| 'key-taken'
	| 'rejected'
	| 'late'
	| 'hold-ends'
	| 'tier-change'
	| 'config-changed'
	| 'raced';

interface Snapshot {
	version: string;
	earned_rank: number;
	rank: number;
	paid_rank: number | null;
	reached_at: number | string | null;
	held_until: number | string | null;
	last_event_at: number | string | null;
	paid_until: number | string | null;
	taken: boolean;
	today: number | string;
	for_object: number | string;
	window_points: number | string;
	ladder_version: number | null;
	rules_at: number | string | null;
}

const ms = (column: string) => sql`${epochMs(sql.raw(`m.${column}`))} as ${sql.raw(column)}`;

/** Whether the error is the write statement undoing itself (see encore_abort). */
function isAbort(err: unknown): boolean {
	for (let e = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
		if ((e as { code?: string }).code === '40001') return true;
	}
	return false;
}

export interface QuickOptions extends RecordOptions {
	onDetour?: (why: Detour) => void;
	/** Tests put another write between the read and the write here. */
	beforeWrite?: () => Promise<void>;
}

/**
 * Records one engagement as `recordEngagement` would, without a transaction when nothing else is
 * writing for the member. `onDetour` hears why the locked path was taken, when it was.
 */
export async function recordEngagementQuickly(
	db: Database,
	input: EngagementInput,
	options: QuickOptions = {}
): Promise<EngagementResult> {
	const now = options.now ?? new Date();
	const outcome = input.adjustment ? 'adjustment' : await attempt(db, input, now, options);
	if (typeof outcome !== 'string') return outcome;
	options.onDetour?.(outcome);
	return db.transaction((tx) => recordEngagement(tx, input, { ...options, now }));
}

async function attempt(
	db: Database,
	input: EngagementInput,
	now: Date,
	options: QuickOptions
): Promise<EngagementResult | Detour> {
	const occurredAt = input.occurredAt ?? now;
	const day = dayKey(occurredAt, houseTimeZone());
	const object = input.object ?? null;
	// The same window windowSums in the engine reads: (at − 12 months, at] in whole milliseconds.
	const after = new Date(windowStart(occurredAt).getTime() + 1).toISOString();
	const before = new Date(occurredAt.getTime() + 1).toISOString();
	const [found, storedRules, { ladder, versions }] = await Promise.all([
		db.execute(sql`
			select m.xmin::text as version, m.earned_rank, m.rank, m.paid_rank,
				${ms('reached_at')}, ${ms('held_until')}, ${ms('last_event_at')}, ${ms('paid_until')},
				exists (select 1 from engagements e where e.idempotency_key = ${input.idempotencyKey}) as taken,
				(select count(*) from engagements e
					where e.member_id = m.member_id and e.kind = ${input.kind} and e.day = ${day} and e.points > 0) as today,
				(select count(*) from engagements e
					where e.member_id = m.member_id and e.kind = ${input.kind} and e.object = ${object}::text
						and e.points > 0) as for_object,
				(select coalesce(sum(e.points), 0) from engagements e
					where e.member_id = m.member_id and e.occurred_at >= ${after}::timestamptz
						and e.occurred_at < ${before}::timestamptz) as window_points,
				(select max(id) from ladder_versions) as ladder_version,
				(select ${epochMs(sql`max(updated_at)`)} from earning_rules) as rules_at
			from member_tiers m
			where m.member_id = ${input.memberId}::uuid`),
		options.rules ? null : cached(db, 'earning-rules', () => loadRules(db)),
		cachedLadder(db)
	]);
	const [snap] = rowsOf<Snapshot>(found);
	if (!snap) return 'no-row';
	if (snap.taken) return 'key-taken';
	const row: MemberTier = {
		memberId: input.memberId,
		earnedRank: snap.earned_rank,
		rank: snap.rank,
		paidRank: snap.paid_rank,
		reachedAt: dateFromMs(snap.reached_at),
		heldUntil: dateFromMs(snap.held_until),
		lastEventAt: dateFromMs(snap.last_event_at),
		paidUntil: dateFromMs(snap.paid_until),
		updatedAt: now
	};
	// The remembered rules and ladder must be the ones this snapshot sees.
	const rulesAt = Math.max(0, ...(storedRules ?? []).map((r) => r.updatedAt.getTime()));
	const ladderVersion = Math.max(0, ...versions.map((v) => v.id));
	if (
		(storedRules && Number(snap.rules_at ?? 0) !== rulesAt) ||
		(!options.timeline && Number(snap.ladder_version ?? 0) !== ladderVersion)
	) {
		forgetCached(db);
		return 'config-changed';
	}
	const timeline = options.timeline ?? timelineFrom(ladder, versions);
	if (row.lastEventAt && occurredAt < row.lastEventAt) return 'late';
	if (row.heldUntil && row.heldUntil <= occurredAt) return 'hold-ends';

	const rules = new Map((options.rules ?? storedRules ?? []).map((r) => [r.kind, r]));
	const judged = judge(
		input,
		rules,
		{ today: () => Number(snap.today), forObject: () => Number(snap.for_object), add: () => {} },
		day
	);
	if ('rejected' in judged) return 'rejected';
	const pointsNow = Number(snap.window_points) + judged.points;
	// With no hold ending by now, the fold asks for no other moment's points.
	const state = foldEngagement(stateOf(row), occurredAt, pointsNow, timeline, () => {
		throw new Error('the quick path has no window but the entry’s');
	});
	const { rank } = tierRowOf(row, state, now);
	if (rank !== row.rank) return 'tier-change';

	await options.beforeWrite?.();
	const hash = payloadHash(input, occurredAt);
	const iso = (d: Date | null) => d?.toISOString() ?? null;
	let written: unknown;
	try {
		written = await db.execute(sql`
			with updated as (
				update member_tiers set
					earned_rank = ${state.rank}::int, reached_at = ${iso(state.reachedAt)}::timestamptz,
					held_until = ${iso(state.heldUntil)}::timestamptz,
					last_event_at = ${iso(state.lastEventAt)}::timestamptz,
					rank = ${rank}::int, updated_at = ${now.toISOString()}::timestamptz
				where member_id = ${input.memberId}::uuid and xmin = ${snap.version}::xid
				returning member_id
			), entry as (
				insert into engagements
					(member_id, kind, object, points, occurred_at, day, source, idempotency_key, payload_hash, capped_reason)
				select member_id, ${input.kind}::text, ${object}::text, ${judged.points}::int,
					${occurredAt.toISOString()}::timestamptz, ${day}::text, ${input.source}::text,
					${input.idempotencyKey}::text, ${hash}::text, ${judged.cappedReason}::text
				from updated
				on conflict do nothing
				returning id, ${epochMs(sql`recorded_at`)} as recorded_at
			)
			select entry.id, entry.recorded_at
			from (select 1) as one left join entry on true
			where case when (select count(*) from updated) = (select count(*) from entry) then true
				else encore_abort('the entry and the tier row must be written together') end`);
	} catch (err) {
		// The key was taken in between (by another member's entry): nothing was written.
		if (isAbort(err)) return 'raced';
		throw err;
	}
	const [entryRow] = rowsOf<{ id: number | string | null; recorded_at: number | string | null }>(written);
	if (!entryRow || entryRow.id === null) return 'raced';
	const entry: Engagement = {
		id: Number(entryRow.id),
		memberId: input.memberId,
		kind: input.kind,
		object,
		points: judged.points,
		occurredAt,
		recordedAt: dateFromMs(entryRow.recorded_at)!,
		day,
		source: input.source,
		idempotencyKey: input.idempotencyKey,
		payloadHash: hash,
		cappedReason: judged.cappedReason,
		note: null,
		actorId: null
	};
	return { status: 'recorded', entry, tierChange: null };
}
