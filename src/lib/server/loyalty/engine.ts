// The loyalty engine's I/O: the one way engagements enter the ledger (recordEngagements, and
// recordEngagement for one) and the tier state kept beside it. The rules themselves are the pure
// modules next to this one.
import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { config } from '../config';
import type { Queryable } from '../db';
import {
	earningRules,
	engagements,
	ladderVersions,
	memberTiers,
	tierChanges,
	tiers,
	type Engagement,
	type MemberTier
} from '../db/schema';
import { addInboxItems, type NewInboxItem } from '../inbox';
import { ADJUSTMENT_KIND, award, dayKey, DEFAULT_RULES, type EarningRule } from './earning';
import type { Ladder, LadderTier } from './ladder';
import {
	addMonths,
	effectiveRank,
	foldEngagement,
	replay,
	timelineOf,
	windowPoints,
	WINDOW_MONTHS,
	type EarnedState,
	type PointEntry,
	type Timeline
} from './tier-state';

export type RejectionCode = 'unknown_kind' | 'invalid';

export class EngagementError extends Error {
	constructor(
		readonly code: RejectionCode,
		message: string
	) {
		super(message);
	}
}

export interface EngagementInput {
	memberId: string;
	kind: string;
	object?: string | null;
	occurredAt?: Date;
	/** Where it came from: "portal", "staff:<id>", "partner:<key id>", "stripe", "system". */
	source: string;
	idempotencyKey: string;
	/** Amount for per-unit kinds (whole euros for patronage). */
	units?: number;
	/** Staff adjustments: exact points (may be negative) with a reason. */
	adjustment?: { points: number; note: string; actorId: string };
}

export interface TierChange {
	fromRank: number;
	toRank: number;
	at: Date;
}

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
}

export type LadderRow = LadderTier & { id: number; slug: string; colour: string; benefits: string[] };

export async function loadLadder(db: Queryable): Promise<LadderRow[]> {
	const rows = await db.select().from(tiers).orderBy(asc(tiers.rank));
	return rows.map((t) => ({
		id: t.id,
		slug: t.slug,
		rank: t.rank,
		name: t.name,
		colour: t.colour,
		benefits: t.benefits,
		pointsThreshold: t.pointsThreshold,
		purchasable: t.monthlyPriceMinor !== null || t.yearlyPriceMinor !== null,
		paidName: t.paidName
	}));
}

/** Thresholds over time (see `Timeline`); the current ladder supplies everything but thresholds. */
export async function loadTimeline(db: Queryable, current?: Ladder): Promise<Timeline> {
	const ladder = current ?? (await loadLadder(db));
	const versions = await db
		.select()
		.from(ladderVersions)
		.orderBy(asc(ladderVersions.effectiveAt), asc(ladderVersions.id));
	if (versions.length === 0) return timelineOf(ladder);
	return versions.map((v) => ({
		at: v.effectiveAt,
		ladder: ladder.map((t) => ({ ...t, pointsThreshold: v.thresholds[String(t.rank)] ?? null }))
	}));
}

export function thresholdsOf(ladder: Ladder): Record<string, number | null> {
	return Object.fromEntries(ladder.map((t) => [String(t.rank), t.pointsThreshold]));
}

/** The first version, from the beginning of time, so every history has thresholds to be judged by. */
export async function seedLadderVersion(db: Queryable): Promise<void> {
	const [any] = await db.select({ id: ladderVersions.id }).from(ladderVersions).limit(1);
	if (!any) {
		await db.insert(ladderVersions).values({ effectiveAt: new Date(0), thresholds: thresholdsOf(await loadLadder(db)) });
	}
}

export async function loadRules(db: Queryable): Promise<EarningRule[]> {
	return db.select().from(earningRules).orderBy(asc(earningRules.kind));
}

export async function seedEarningRules(db: Queryable): Promise<void> {
	await db.insert(earningRules).values(DEFAULT_RULES).onConflictDoNothing();
}

/** What the ledger stores to tell a retry (same payload) from a conflict (same key, other payload). */
export function payloadHash(input: EngagementInput, occurredAt: Date): string {
	const canonical = JSON.stringify([
		input.memberId,
		input.kind,
		input.object ?? null,
		occurredAt.toISOString(),
		input.units ?? null,
		input.adjustment ? [input.adjustment.points, input.adjustment.note] : null
	]);
	return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)));
}

export function stateOf(row: MemberTier): EarnedState {
	return { rank: row.earnedRank, reachedAt: row.reachedAt, heldUntil: row.heldUntil, lastEventAt: row.lastEventAt };
}

/**
 * Locks the members' tier rows (creating missing ones) for the rest of the transaction, in id
 * order: writes for one member queue up, and two batches can never deadlock.
 */
export async function lockMemberTiers(tx: Queryable, memberIds: readonly string[]): Promise<Map<string, MemberTier>> {
	const ids = [...new Set(memberIds)].sort();
	if (ids.length === 0) return new Map();
	await tx
		.insert(memberTiers)
		.values(ids.map((memberId) => ({ memberId })))
		.onConflictDoNothing();
	const rows = await tx
		.select()
		.from(memberTiers)
		.where(inArray(memberTiers.memberId, ids))
		.orderBy(asc(memberTiers.memberId))
		.for('update');
	return new Map(rows.map((r) => [r.memberId, r]));
}

async function findByKeys(tx: Queryable, keys: readonly string[]): Promise<Map<string, Engagement>> {
	if (keys.length === 0) return new Map();
	const rows = await tx.select().from(engagements).where(inArray(engagements.idempotencyKey, [...keys]));
	return new Map(rows.map((e) => [e.idempotencyKey, e]));
}

/** Rewarded engagements so far, per (member, kind, day) and per (member, kind, object). */
interface CapCounter {
	today(memberId: string, kind: string, day: string): number;
	forObject(memberId: string, kind: string, object: string | null): number;
	add(memberId: string, kind: string, day: string, object: string | null): void;
}

async function loadCapCounts(
	tx: Queryable,
	items: readonly { input: EngagementInput; day: string }[]
): Promise<CapCounter> {
	const byDay = new Map<string, number>();
	const byObject = new Map<string, number>();
	const dayKeyOf = (m: string, k: string, d: string) => `${m}\u0000${k}\u0000${d}`;
	const objectKeyOf = (m: string, k: string, o: string) => `${m}\u0000${k}\u0000${o}`;
	// The exact (member, kind, day) and (member, kind, object) the batch asks about, each once: one
	// index probe apiece, where lists of members, kinds and objects would read whole histories.
	const days = new Map<string, [string, string, string]>();
	const objects = new Map<string, [string, string, string]>();
	for (const { input, day } of items) {
		if (input.adjustment) continue;
		days.set(dayKeyOf(input.memberId, input.kind, day), [input.memberId, input.kind, day]);
		if (input.object) {
			objects.set(objectKeyOf(input.memberId, input.kind, input.object), [input.memberId, input.kind, input.object]);
		}
	}
	const keyed = (column: 'day' | 'object', keys: Iterable<[string, string, string]>) =>
		inChunks([...keys], (chunk) =>
			tx
				.select({
					memberId: engagements.memberId,
					kind: engagements.kind,
					key: engagements[column],
					n: sql<number>`count(*)`.mapWith(Number)
				})
				.from(engagements)
				.innerJoin(
					valuesList(
						'k',
						['member_id', 'kind', 'key'],
						chunk.map(([m, k, key]) => sql`(${m}::uuid, ${k}::text, ${key}::text)`)
					),
					sql`${engagements.memberId} = k.member_id and ${engagements.kind} = k.kind and ${engagements[column]} = k.key`
				)
				.where(sql`${engagements.points} > 0`)
				.groupBy(engagements.memberId, engagements.kind, engagements[column])
		);
	const [dayRows, objectRows] = await Promise.all([keyed('day', days.values()), keyed('object', objects.values())]);
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

/** `(values (…), (…)) as name(columns)`: a batch's keys as a relation to join on. */
function valuesList(name: string, columns: readonly string[], rows: readonly SQL[]): SQL {
	return sql`(values ${sql.join([...rows], sql`, `)}) as ${sql.raw(name)}(${sql.raw(columns.join(', '))})`;
}

// Keys per statement in a values list: well under Postgres's 65,535 parameters at 3 a key.
const KEY_CHUNK = 5000;

/** Runs `query` over `keys` a chunk at a time (once for any batch up to KEY_CHUNK) and concatenates. */
async function inChunks<K, R>(keys: readonly K[], query: (chunk: K[]) => PromiseLike<R[]>): Promise<R[]> {
	const rows: R[] = [];
	for (let i = 0; i < keys.length; i += KEY_CHUNK) rows.push(...(await query(keys.slice(i, i + KEY_CHUNK))));
	return rows;
}

type Judgement = { points: number; cappedReason: string | null } | { rejected: RejectionCode; message: string };

/** The points an item earns under the rules and caps, or why it cannot be recorded. */
function judge(input: EngagementInput, rules: Map<string, EarningRule>, counts: CapCounter, day: string): Judgement {
	if (input.adjustment) {
		if (!input.adjustment.note.trim()) return { rejected: 'invalid', message: 'An adjustment needs a reason.' };
		if (!Number.isInteger(input.adjustment.points)) return { rejected: 'invalid', message: 'Points are whole numbers.' };
		return { points: input.adjustment.points, cappedReason: null };
	}
	if (input.kind === ADJUSTMENT_KIND) return { rejected: 'invalid', message: 'Adjustments need points and a reason.' };
	const rule = rules.get(input.kind);
	if (!rule) return { rejected: 'unknown_kind', message: `Unknown engagement kind "${input.kind}".` };
	const object = input.object ?? null;
	const result = award(
		rule,
		{ today: counts.today(input.memberId, input.kind, day), forObject: counts.forObject(input.memberId, input.kind, object) },
		!!object,
		input.units
	);
	if (result.points > 0) counts.add(input.memberId, input.kind, day, object);
	return result;
}

// Rows per INSERT: well under Postgres's 65,535 parameters at 12 columns a row.
const INSERT_CHUNK = 2000;

type Planned =
	| { kind: 'done'; result: BatchResult }
	| { kind: 'insert'; row: typeof engagements.$inferInsert }
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
		return { input, occurredAt, hash: payloadHash(input, occurredAt), day: dayKey(occurredAt, config.houseTimeZone) };
	});
	const tierRows = await lockMemberTiers(
		tx,
		inputs.map((i) => i.memberId)
	);
	const existing = await findByKeys(
		tx,
		inputs.map((i) => i.idempotencyKey)
	);
	const rules = new Map((options.rules ?? (await loadRules(tx))).map((r) => [r.kind, r]));
	const counts = await loadCapCounts(tx, items);

	const firstUse = new Map<string, number>();
	const plan: Planned[] = items.map(({ input, occurredAt, hash, day }, index) => {
		const known = existing.get(input.idempotencyKey);
		if (known) return { kind: 'done', result: { status: known.payloadHash === hash ? 'duplicate' : 'conflict', entry: known } };
		const first = firstUse.get(input.idempotencyKey);
		if (first !== undefined) return { kind: 'same-key', first, hash };
		const judged = judge(input, rules, counts, day);
		if ('rejected' in judged) return { kind: 'done', result: { status: 'rejected', code: judged.rejected, message: judged.message } };
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
	const inserted = new Map<string, Engagement>();
	for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
		const chunk = await tx
			.insert(engagements)
			.values(rows.slice(i, i + INSERT_CHUNK))
			.onConflictDoNothing()
			.returning();
		for (const e of chunk) inserted.set(e.idempotencyKey, e);
	}
	// A key taken by a concurrent writer between our look-up and our insert (another member's write).
	const raced = await findByKeys(
		tx,
		rows.filter((r) => !inserted.has(r.idempotencyKey)).map((r) => r.idempotencyKey)
	);

	const changes = await updateTierStates(tx, tierRows, [...inserted.values()], options.timeline, now);

	return plan.map((p): BatchResult => {
		if (p.kind === 'done') return p.result;
		if (p.kind === 'same-key') {
			const key = items[p.first].input.idempotencyKey;
			const entry = inserted.get(key) ?? raced.get(key);
			if (!entry) {
				return { status: 'rejected', code: 'invalid', message: 'The first use of this idempotency key in the batch was not recorded.' };
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
		return { status: 'recorded', entry, tierChange: change && change.entryId === entry.id ? change.change : null };
	});
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
	timelineOption: Timeline | undefined,
	now: Date
): Promise<Map<string, { change: TierChange; entryId: number }>> {
	const changes = new Map<string, { change: TierChange; entryId: number }>();
	if (newEntries.length === 0) return changes;
	const timeline = timelineOption ?? (await loadTimeline(tx));
	const byMember = groupBy(newEntries, (e) => e.memberId);
	const replayIds = new Set<string>();
	const folds: { memberId: string; since: Date }[] = [];
	for (const [memberId, entries] of byMember) {
		const row = tierRows.get(memberId)!;
		const earliest = entries.reduce((min, e) => (e.occurredAt < min ? e.occurredAt : min), entries[0].occurredAt);
		if (row.lastEventAt && earliest < row.lastEventAt) replayIds.add(memberId);
		else {
			// The fold asks for points at the hold's end (if it comes first) and at the new entries,
			// so no window it asks about starts before this.
			const start = row.heldUntil && row.heldUntil < earliest ? row.heldUntil : earliest;
			folds.push({ memberId, since: addMonths(start, -WINDOW_MONTHS) });
		}
	}
	const pointEntry = { memberId: engagements.memberId, occurredAt: engagements.occurredAt, points: engagements.points };
	const [recent, full] = await Promise.all([
		// Only points count in a window: entries without any are left out (an index-only scan).
		inChunks(folds, (chunk) =>
			tx
				.select(pointEntry)
				.from(engagements)
				.innerJoin(
					valuesList(
						'w',
						['member_id', 'since'],
						chunk.map((f) => sql`(${f.memberId}::uuid, ${f.since.toISOString()}::timestamptz)`)
					),
					sql`${engagements.memberId} = w.member_id and ${engagements.occurredAt} > w.since`
				)
				.where(sql`${engagements.points} <> 0`)
		),
		// A replay folds every entry in, points or not (each is a moment that may renew a hold).
		replayIds.size
			? tx
					.select(pointEntry)
					.from(engagements)
					.where(inArray(engagements.memberId, [...replayIds]))
			: Promise.resolve([])
	]);
	const history = groupBy<PointEntry & { memberId: string }>([...recent, ...full], (e) => e.memberId);

	const updates: { row: MemberTier; state: EarnedState; lastEntryId: number }[] = [];
	for (const [memberId, entries] of byMember) {
		const row = tierRows.get(memberId)!;
		const mine = history.get(memberId) ?? [];
		let state: EarnedState;
		if (replayIds.has(memberId)) state = replay(mine, timeline);
		else {
			const pointsAt = (t: Date) => windowPoints(mine, t);
			state = stateOf(row);
			for (const e of [...entries].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) {
				state = foldEngagement(state, e.occurredAt, pointsAt(e.occurredAt), timeline, pointsAt);
			}
		}
		const lastEntryId = entries.reduce((max, e) => (e.id > max ? e.id : max), 0);
		updates.push({ row, state, lastEntryId });
	}
	const saved = await saveTierStates(tx, updates, now);
	for (const u of updates) {
		const change = saved.get(u.row.memberId);
		if (change) changes.set(u.row.memberId, { change, entryId: u.lastEntryId });
	}
	return changes;
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

/**
 * Stores new earned states in one statement, logs every change of a member's (effective) tier and
 * posts a moment for each step up.
 */
export async function saveTierStates(
	tx: Queryable,
	updates: readonly { row: MemberTier; state: EarnedState }[],
	now: Date
): Promise<Map<string, TierChange>> {
	const changes = new Map<string, TierChange>();
	if (updates.length === 0) return changes;
	const values = updates.map(({ row, state }) => {
		const paid = row.paidRank !== null && row.paidUntil ? { rank: row.paidRank, until: row.paidUntil } : null;
		const { rank, route } = effectiveRank(state.rank, paid, now);
		if (rank !== row.rank) {
			const at = state.reachedAt && rank === state.rank ? state.reachedAt : now;
			changes.set(row.memberId, { fromRank: row.rank, toRank: rank, at });
		}
		return { row, state, rank, route };
	});
	const iso = (d: Date | null) => (d ? d.toISOString() : null);
	await tx.execute(sql`
		update member_tiers as m set
			earned_rank = v.earned_rank, reached_at = v.reached_at, held_until = v.held_until,
			last_event_at = v.last_event_at, rank = v.rank, updated_at = ${now.toISOString()}::timestamptz
		from (values ${sql.join(
			values.map(
				({ row, state, rank }) =>
					sql`(${row.memberId}::uuid, ${state.rank}::int, ${iso(state.reachedAt)}::timestamptz, ${iso(state.heldUntil)}::timestamptz, ${iso(state.lastEventAt)}::timestamptz, ${rank}::int)`
			),
			sql`, `
		)}) as v(member_id, earned_rank, reached_at, held_until, last_event_at, rank)
		where m.member_id = v.member_id`);
	const changed = values.filter((v) => changes.has(v.row.memberId));
	if (changed.length) {
		await tx.insert(tierChanges).values(
			changed.map((v) => ({ memberId: v.row.memberId, ...changes.get(v.row.memberId)!, route: v.route }))
		);
		const ups = changed.filter((v) => v.rank > v.row.rank);
		if (ups.length) {
			const ladder = await loadLadder(tx);
			await addInboxItems(
				tx,
				ups.flatMap((v) => tierUpMoment(ladder, v.row.memberId, changes.get(v.row.memberId)!) ?? [])
			);
		}
	}
	return changes;
}

/** Stores one member's new state (see saveTierStates). */
export async function saveTierState(tx: Queryable, row: MemberTier, state: EarnedState, now: Date): Promise<TierChange | null> {
	return (await saveTierStates(tx, [{ row, state }], now)).get(row.memberId) ?? null;
}

/** "You reached Insider": an inbox item, and a celebration the next time the fan opens the app. */
function tierUpMoment(ladder: LadderRow[], memberId: string, change: TierChange): NewInboxItem | null {
	const tier = ladder.find((t) => t.rank === change.toRank);
	if (!tier) return null;
	const before = ladder.find((t) => t.rank === change.fromRank);
	const unlocked = tier.benefits.filter((b) => !before?.benefits.includes(b));
	return {
		memberId,
		kind: 'tier_up',
		title: `You reached ${tier.name}!`,
		body: unlocked.length ? `Now unlocked: ${unlocked.join('; ')}.` : `Welcome to ${tier.name}.`,
		link: '/me',
		data: { rank: tier.rank, name: tier.name, colour: tier.colour, unlocked },
		dedupeKey: `tier-up:${memberId}:${tier.rank}:${change.at.toISOString()}`
	};
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
