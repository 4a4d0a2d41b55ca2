// The loyalty engine's I/O: the one way engagements enter the ledger (recordEngagements, and
// recordEngagement for one) and the tier state kept beside it. The rules themselves are the pure
// modules next to this one.
import { asc, eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db';
import { epochMs, jsonList, recordSet } from '../db/batch';
import { engagements, memberTiers, tierChanges, type Engagement, type MemberTier } from '../db/schema';
import { houseTimeZone } from '../house';
import { dayKey, type EarningRule } from './earning';
import {
	EngagementError,
	judge,
	payloadHash,
	type CapCounter,
	type EngagementInput,
	type RejectionCode,
	type TierChange
} from './judge';
import { loadTimeline } from './ladder-store';
import { loadRules } from './rules-store';
import { announceTierUps } from './tier-events';
import {
	effectiveRank,
	foldEngagement,
	replay,
	pointsAtOver,
	windowStart,
	type EarnedState,
	type PointEntry,
	type PointsAt,
	type Timeline
} from './tier-state';

export type EngagementResult =
	| { status: 'recorded'; entry: Engagement; tierChange: TierChange | null }
	| { status: 'duplicate'; entry: Engagement }
	| { status: 'conflict'; entry: Engagement };

export type BatchResult = EngagementResult | { status: 'rejected'; code: RejectionCode; message: string };

export interface RecordOptions {
	now?: Date;
	/** Callers writing many batches may load these once. */
	timeline?: Timeline;
	rules?: EarningRule[];
	/** The members' tier rows, already locked in this transaction (see lockMemberTiers). */
	locked?: Map<string, MemberTier>;
}

export function stateOf(row: MemberTier): EarnedState {
	return {
		rank: row.earnedRank,
		reachedAt: row.reachedAt,
		heldUntil: row.heldUntil,
		lastEventAt: row.lastEventAt
	};
}

/**
 * Locks the members' tier rows (creating missing ones) for the rest of the transaction, in id
 * order: writes for one member queue up, and two batches can never deadlock. With `onlyFree`, rows
 * another transaction holds are skipped instead of waited for, and left out of the answer: a batch
 * records those members' entries in a second transaction instead of waiting for every batch that
 * shares one member with it.
 */
export async function lockMemberTiers(
	tx: Queryable,
	memberIds: readonly string[],
	options: { onlyFree?: boolean } = {}
): Promise<Map<string, MemberTier>> {
	const ids = [...new Set(memberIds)].sort();
	if (ids.length === 0) return new Map();
	await tx.execute(
		sql`insert into member_tiers (member_id) select value from ${jsonList(ids, 'uuid')} as ids order by value on conflict do nothing`
	);
	const rows = await tx
		.select()
		.from(memberTiers)
		.where(sql`${memberTiers.memberId} in ${jsonList(ids, 'uuid')}`)
		.orderBy(asc(memberTiers.memberId))
		.for('update', options.onlyFree ? { skipLocked: true } : {});
	return new Map(rows.map((r) => [r.memberId, r]));
}

async function findByKeys(tx: Queryable, keys: readonly string[]): Promise<Map<string, Engagement>> {
	if (keys.length === 0) return new Map();
	const rows = await tx
		.select()
		.from(engagements)
		.where(sql`${engagements.idempotencyKey} in ${jsonList(keys, 'text')}`);
	return new Map(rows.map((e) => [e.idempotencyKey, e]));
}

async function loadCapCounts(
	tx: Queryable,
	items: readonly { input: EngagementInput; day: string }[],
	/** Without the rules (not read yet), every item's day and object are counted: a few spare probes. */
	rules: ReadonlyMap<string, EarningRule> | undefined
): Promise<CapCounter> {
	const byDay = new Map<string, number>();
	const byObject = new Map<string, number>();
	const dayKeyOf = (m: string, k: string, d: string) => `${m}\u0000${k}\u0000${d}`;
	const objectKeyOf = (m: string, k: string, o: string) => `${m}\u0000${k}\u0000${o}`;
	// Exactly the (member, kind, day) and (member, kind, object) that a cap of the item's rule asks
	// about, each once: one index probe apiece, where lists of members, kinds and objects would
	// read the members' whole histories.
	const days = new Map<string, CapKey>();
	const objects = new Map<string, CapKey>();
	for (const { input, day } of items) {
		const rule = rules?.get(input.kind);
		if (input.adjustment || (rules && !rule?.active)) continue;
		const { memberId, kind, object } = input;
		if (!rule || rule.perDay !== null) {
			days.set(dayKeyOf(memberId, kind, day), { member_id: memberId, kind, key: day });
		}
		if ((!rule || rule.perObject !== null) && object) {
			objects.set(objectKeyOf(memberId, kind, object), { member_id: memberId, kind, key: object });
		}
	}
	const countBy = async (column: 'day' | 'object', keys: Map<string, CapKey>) =>
		keys.size === 0
			? []
			: tx
					.select({
						memberId: engagements.memberId,
						kind: engagements.kind,
						key: engagements[column],
						n: sql<number>`count(*)`.mapWith(Number)
					})
					.from(engagements)
					.innerJoin(
						recordSet('k', 'member_id uuid, kind text, key text', [...keys.values()]),
						sql`${engagements.memberId} = k.member_id and ${engagements.kind} = k.kind and ${engagements[column]} = k.key`
					)
					.where(sql`${engagements.points} > 0`)
					.groupBy(engagements.memberId, engagements.kind, engagements[column]);
	const [dayRows, objectRows] = await Promise.all([countBy('day', days), countBy('object', objects)]);
	for (const r of dayRows) if (r.key) byDay.set(dayKeyOf(r.memberId, r.kind, r.key), r.n);
	for (const r of objectRows) if (r.key) byObject.set(objectKeyOf(r.memberId, r.kind, r.key), r.n);
	return {
		today: (m, k, d) => byDay.get(dayKeyOf(m, k, d)) ?? 0,
		forObject: (m, k, o) => (o ? (byObject.get(objectKeyOf(m, k, o)) ?? 0) : 0),
		add(m, k, d, o) {
			byDay.set(dayKeyOf(m, k, d), (byDay.get(dayKeyOf(m, k, d)) ?? 0) + 1);
			if (o) byObject.set(objectKeyOf(m, k, o), (byObject.get(objectKeyOf(m, k, o)) ?? 0) + 1);
		}
	};
}

type CapKey = { member_id: string; kind: string; key: string };

type NewEntry = Omit<Engagement, 'id' | 'recordedAt'>;

type Planned =
	| { kind: 'done'; result: BatchResult }
	| { kind: 'insert'; row: NewEntry }
	| { kind: 'same-key'; first: number; hash: string };

/**
 * Records engagements in the caller's transaction, set-based: a fixed handful of statements
 * whatever the batch size. Items are judged in order (caps count earlier items of the batch);
 * each gets its own result and a rejected item writes nothing. Idempotent by key: the same key
 * again is a duplicate, with another payload a conflict.
 */
export async function recordEngagements(
	tx: Queryable,
	inputs: readonly EngagementInput[],
	options: RecordOptions = {}
): Promise<BatchResult[]> {
	if (inputs.length === 0) return [];
	const now = options.now ?? new Date();
	const items = inputs.map((input) => {
		const occurredAt = input.occurredAt ?? now;
		return {
			input,
			occurredAt,
			hash: payloadHash(input, occurredAt),
			day: dayKey(occurredAt, houseTimeZone())
		};
	});
	const tierRows =
		options.locked ??
		(await lockMemberTiers(
			tx,
			inputs.map((i) => i.memberId)
		));
	// With the members locked, nobody else can write their entries: what is read now stays true.
	// Everything else the batch needs is read in the same round trip.
	const given = options.rules && new Map(options.rules.map((r) => [r.kind, r]));
	const [ruleRows, existing, counts, timeline] = await Promise.all([
		options.rules ?? loadRules(tx),
		findByKeys(
			tx,
			inputs.map((i) => i.idempotencyKey)
		),
		loadCapCounts(tx, items, given),
		options.timeline ?? loadTimeline(tx)
	]);
	const rules = given ?? new Map(ruleRows.map((r) => [r.kind, r]));

	const firstUse = new Map<string, number>();
	const plan: Planned[] = items.map(({ input, occurredAt, hash, day }, index) => {
		const known = existing.get(input.idempotencyKey);
		if (known)
			return {
				kind: 'done',
				result: { status: known.payloadHash === hash ? 'duplicate' : 'conflict', entry: known }
			};
		const first = firstUse.get(input.idempotencyKey);
		if (first !== undefined) return { kind: 'same-key', first, hash };
		const judged = judge(input, rules, counts, day);
		if ('rejected' in judged)
			return { kind: 'done', result: { status: 'rejected', code: judged.rejected, message: judged.message } };
		firstUse.set(input.idempotencyKey, index);
		return {
			kind: 'insert',
			row: {
				memberId: input.memberId,
				kind: input.kind,
				object: input.object ?? null,
				points: judged.points,
				occurredAt,
				day,
				source: input.source,
				idempotencyKey: input.idempotencyKey,
				payloadHash: hash,
				cappedReason: judged.cappedReason,
				note: input.adjustment?.note ?? null,
				actorId: input.adjustment?.actorId ?? null
			}
		};
	});

	const rows = plan.flatMap((p) => (p.kind === 'insert' ? [p.row] : []));
	const inserted = await insertEntries(tx, rows);
	// A key taken by a concurrent writer between our look-up and our insert (another member's write).
	const raced = await findByKeys(
		tx,
		rows.filter((r) => !inserted.has(r.idempotencyKey)).map((r) => r.idempotencyKey)
	);

	const changes = await updateTierStates(tx, tierRows, [...inserted.values()], timeline, now);

	return plan.map((p): BatchResult => {
		if (p.kind === 'done') return p.result;
		if (p.kind === 'same-key') {
			const key = items[p.first].input.idempotencyKey;
			const entry = inserted.get(key) ?? raced.get(key);
			if (!entry) {
				return {
					status: 'rejected',
					code: 'invalid',
					message: 'The first use of this idempotency key in the batch was not recorded.'
				};
			}
			return { status: entry.payloadHash === p.hash ? 'duplicate' : 'conflict', entry };
		}
		const entry = inserted.get(p.row.idempotencyKey);
		if (!entry) {
			const other = raced.get(p.row.idempotencyKey)!;
			return { status: other.payloadHash === p.row.payloadHash ? 'duplicate' : 'conflict', entry: other };
		}
		const change = changes.get(entry.memberId);
		// A member's tier change is reported once, on their latest new entry of the batch.
		return {
			status: 'recorded',
			entry,
			tierChange: change && change.entryId === entry.id ? change.change : null
		};
	});
}

/** Appends the entries in one statement; a key another writer took meanwhile is skipped. */
async function insertEntries(tx: Queryable, rows: readonly NewEntry[]): Promise<Map<string, Engagement>> {
	const inserted = new Map<string, Engagement>();
	if (rows.length === 0) return inserted;
	const records = rows.map((r) => ({
		member_id: r.memberId,
		kind: r.kind,
		object: r.object,
		points: r.points,
		occurred_at: r.occurredAt.toISOString(),
		day: r.day,
		source: r.source,
		idempotency_key: r.idempotencyKey,
		payload_hash: r.payloadHash,
		capped_reason: r.cappedReason,
		note: r.note,
		actor_id: r.actorId
	}));
	const columns = Object.keys(records[0]).join(', ');
	const result = await tx.execute(sql`
		insert into engagements (${sql.raw(columns)})
		select ${sql.raw(columns)}
		from ${recordSet(
			'r',
			`member_id uuid, kind text, object text, points int, occurred_at timestamptz, day text, source text,
				idempotency_key text, payload_hash text, capped_reason text, note text, actor_id uuid`,
			records
		)}
		on conflict do nothing
		returning id, idempotency_key, recorded_at`);
	const byKey = new Map(rows.map((r) => [r.idempotencyKey, r]));
	for (const r of rowsOf<{ id: number | string; idempotency_key: string; recorded_at: string | Date }>(
		result
	)) {
		// Both drivers answer execute() with the database's text: a bigint id, a timestamp string.
		inserted.set(r.idempotency_key, {
			...byKey.get(r.idempotency_key)!,
			id: Number(r.id),
			recordedAt: new Date(r.recorded_at)
		});
	}
	return inserted;
}

/** One engagement; throws EngagementError for an unknown kind or an invalid adjustment. */
export async function recordEngagement(
	tx: Queryable,
	input: EngagementInput,
	options: RecordOptions = {}
): Promise<EngagementResult> {
	const [result] = await recordEngagements(tx, [input], options);
	if (result.status === 'rejected') throw new EngagementError(result.code, result.message);
	return result;
}

/**
 * Folds the new entries into each member's state; a member with a late (back-dated) entry is
 * replayed from their whole ledger instead. Both paths run the same pure fold.
 */
async function updateTierStates(
	tx: Queryable,
	tierRows: Map<string, MemberTier>,
	newEntries: Engagement[],
	timeline: Timeline,
	now: Date
): Promise<Map<string, { change: TierChange; entryId: number }>> {
	const changes = new Map<string, { change: TierChange; entryId: number }>();
	if (newEntries.length === 0) return changes;
	const byMember = groupBy(newEntries, (e) => e.memberId);
	const replayIds: string[] = [];
	const folds: { row: MemberTier; entries: Engagement[] }[] = [];
	for (const [memberId, entries] of byMember) {
		const row = tierRows.get(memberId)!;
		entries.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
		if (row.lastEventAt && entries[0].occurredAt < row.lastEventAt) replayIds.push(memberId);
		else folds.push({ row, entries });
	}
	// The fold asks for 12-month points at each new entry, and where the member's hold ends if that
	// comes first: the database sums exactly those windows, so no history has to travel.
	const asked = folds.flatMap(({ row, entries }) => {
		const moments = entries.map((e) => e.occurredAt);
		if (row.heldUntil && row.heldUntil <= moments[moments.length - 1]) moments.push(row.heldUntil);
		return moments.map((at) => ({ memberId: row.memberId, at }));
	});
	const [sums, replayed] = await Promise.all([windowSums(tx, asked), pointEntriesByMember(tx, replayIds)]);

	const states = new Map<string, EarnedState>();
	const unanswered: typeof folds = [];
	for (const fold of folds) {
		let missed = false;
		const state = foldEntries(stateOf(fold.row), fold.entries, timeline, (at) => {
			const points = sums.get(windowKey(fold.row.memberId, at));
			if (points === undefined) missed = true;
			return points ?? 0;
		});
		if (missed) unanswered.push(fold);
		else states.set(fold.row.memberId, state);
	}
	// A hold that ended long ago can end again within the fold (another window): fold over the rows.
	const histories = await pointEntriesByMember(
		tx,
		unanswered.map((f) => f.row.memberId)
	);
	for (const { row, entries } of unanswered) {
		const mine = histories.get(row.memberId) ?? [];
		states.set(row.memberId, foldEntries(stateOf(row), entries, timeline, pointsAtOver(mine)));
	}
	for (const memberId of replayIds) states.set(memberId, replay(replayed.get(memberId) ?? [], timeline));

	const updates = [...byMember].map(([memberId, entries]) => ({
		row: tierRows.get(memberId)!,
		state: states.get(memberId)!,
		lastEntryId: entries.reduce((max, e) => (e.id > max ? e.id : max), 0)
	}));
	const saved = await saveTierStates(tx, updates, now);
	for (const u of updates) {
		const change = saved.get(u.row.memberId);
		if (change) changes.set(u.row.memberId, { change, entryId: u.lastEntryId });
	}
	return changes;
}

/** New entries, in time order, folded into a state (see `foldEngagement`). */
function foldEntries(
	state: EarnedState,
	entries: readonly PointEntry[],
	timeline: Timeline,
	pointsAt: PointsAt
): EarnedState {
	for (const e of entries)
		state = foldEngagement(state, e.occurredAt, pointsAt(e.occurredAt), timeline, pointsAt);
	return state;
}

const windowKey = (memberId: string, at: Date) => `${memberId}@${at.getTime()}`;

/** 12-month points at each asked moment, by `windowKey`: one statement, an index-only scan per window. */
async function windowSums(
	tx: Queryable,
	asked: readonly { memberId: string; at: Date }[]
): Promise<Map<string, number>> {
	const sums = new Map<string, number>();
	if (asked.length === 0) return sums;
	const windows = [...new Map(asked.map((a) => [windowKey(a.memberId, a.at), a])).values()];
	// windowPoints counts (at − 12 months, at] in milliseconds; the ledger keeps microseconds, so the
	// same entries are those from one millisecond after the start to before one after the end.
	const result = await tx.execute(sql`
		select w.i, coalesce(sum(e.points), 0)::int as points
		from ${recordSet(
			'w',
			'i int, member_id uuid, after timestamptz, before timestamptz',
			windows.map((w, i) => ({
				i,
				member_id: w.memberId,
				after: new Date(windowStart(w.at).getTime() + 1).toISOString(),
				before: new Date(w.at.getTime() + 1).toISOString()
			}))
		)}
		left join engagements e on e.member_id = w.member_id and e.occurred_at >= w.after and e.occurred_at < w.before
		group by w.i`);
	for (const r of rowsOf<{ i: number | string; points: number | string }>(result)) {
		const w = windows[Number(r.i)];
		sums.set(windowKey(w.memberId, w.at), Number(r.points));
	}
	return sums;
}

/**
 * The members' point entries (after `after`, when given), grouped by member: for replays, the
 * rebuild and batch re-evaluation. Every entry counts, points or not (each is a moment that may
 * renew a hold). Raw SQL with times as epoch milliseconds: a replay reads thousands of rows, and
 * parsing each timestamp string cost more than the query.
 */
export async function pointEntriesByMember(
	tx: Queryable,
	memberIds: readonly string[],
	after?: Date
): Promise<Map<string, PointEntry[]>> {
	if (memberIds.length === 0) return new Map();
	// Whole milliseconds, as a Date holds them (the ledger keeps microseconds).
	const result = await tx.execute(sql`
		select member_id, ${epochMs(sql`occurred_at`)} as t, points
		from engagements
		where member_id in ${jsonList(memberIds, 'uuid')}
		${after ? sql`and occurred_at > ${after.toISOString()}::timestamptz` : sql``}`);
	const groups = new Map<string, PointEntry[]>();
	for (const r of rowsOf<{ member_id: string; t: number | string; points: number }>(result)) {
		const entry = { occurredAt: new Date(Number(r.t)), points: r.points };
		const list = groups.get(r.member_id);
		if (list) list.push(entry);
		else groups.set(r.member_id, [entry]);
	}
	return groups;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
	const groups = new Map<string, T[]>();
	for (const item of items) {
		const k = key(item);
		const list = groups.get(k);
		if (list) list.push(item);
		else groups.set(k, [item]);
	}
	return groups;
}

/** The tier a stored state gives (the higher of earned and paid): what saveTierStates writes. */
export function tierRowOf(
	row: MemberTier,
	state: EarnedState,
	now: Date
): { rank: number; route: 'earned' | 'paid' } {
	const paid = row.paidRank !== null && row.paidUntil ? { rank: row.paidRank, until: row.paidUntil } : null;
	return effectiveRank(state.rank, paid, now);
}

/**
 * Stores new earned states in one statement, logs every change of a member's (effective) tier and
 * announces each step up to the tier-up listeners in the same transaction (unless `moments` is false:
 * a rebuild corrects, it does not celebrate).
 */
export async function saveTierStates(
	tx: Queryable,
	updates: readonly { row: MemberTier; state: EarnedState }[],
	now: Date,
	options: { moments?: boolean } = {}
): Promise<Map<string, TierChange>> {
	const moments = options.moments ?? true;
	const changes = new Map<string, TierChange>();
	if (updates.length === 0) return changes;
	const values = updates.map(({ row, state }) => {
		const { rank, route } = tierRowOf(row, state, now);
		if (rank !== row.rank) {
			const at = state.reachedAt && rank === state.rank ? state.reachedAt : now;
			changes.set(row.memberId, { fromRank: row.rank, toRank: rank, at });
		}
		return { row, state, rank, route };
	});
	const changed = values.filter((v) => changes.has(v.row.memberId));
	const ups = moments ? changed.filter((v) => v.rank > v.row.rank) : [];
	// The update and the change log are independent: one round trip.
	await Promise.all([
		tx.execute(sql`
		update member_tiers as m set
			earned_rank = v.earned_rank, reached_at = v.reached_at, held_until = v.held_until,
			last_event_at = v.last_event_at, rank = v.rank, updated_at = ${now.toISOString()}::timestamptz
		from ${recordSet(
			'v',
			'member_id uuid, earned_rank int, reached_at timestamptz, held_until timestamptz, last_event_at timestamptz, rank int',
			values.map(({ row, state, rank }) => ({
				member_id: row.memberId,
				earned_rank: state.rank,
				reached_at: state.reachedAt,
				held_until: state.heldUntil,
				last_event_at: state.lastEventAt,
				rank
			}))
		)}
		where m.member_id = v.member_id`),
		changed.length
			? tx.insert(tierChanges).values(
					changed.map((v) => ({
						memberId: v.row.memberId,
						...changes.get(v.row.memberId)!,
						route: v.route
					}))
				)
			: null
	]);
	if (ups.length) {
		await announceTierUps(
			tx,
			ups.map((v) => ({ memberId: v.row.memberId, ...changes.get(v.row.memberId)! }))
		);
	}
	return changes;
}

/** Stores one member's new state (see saveTierStates). */
export async function saveTierState(
	tx: Queryable,
	row: MemberTier,
	state: EarnedState,
	now: Date
): Promise<TierChange | null> {
	return (await saveTierStates(tx, [{ row, state }], now)).get(row.memberId) ?? null;
}

/** Recomputes one member from the ledger alone. */
export async function rebuildMember(
	tx: Queryable,
	memberId: string,
	timeline: Timeline,
	now = new Date()
): Promise<TierChange | null> {
	const row = (await lockMemberTiers(tx, [memberId])).get(memberId)!;
	const entries = await tx
		.select({ occurredAt: engagements.occurredAt, points: engagements.points })
		.from(engagements)
		.where(eq(engagements.memberId, memberId));
	return saveTierState(tx, row, replay(entries, timeline), now);
}
