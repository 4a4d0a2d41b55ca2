// First-come claims in the rush, taken in batches. The window's counter is one row every claim
// must change, and a commit waits for the disk: one transaction per claim caps a window at a few
// hundred claims a second whatever the hardware. So each app instance queues the claims on a
// window and takes them in arrival order, a batch at a time:
// - one unlocked read of the window answers everyone it refuses (not open, closed, sold out):
//   the thousands who come after the last seat cost one read per batch, not one each;
// - the standing of only as many fans as could still get a seat is read, outside any lock;
// - one transaction takes their seats: one lock on the counter, one insert, one update, one commit.
// Each fan gets the same refusal as alone; two instances' batches take the counter in turn.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db';
import { presaleClaims, presaleWindows, type PresaleClaim, type PresaleWindow } from '../db/schema';
import { recordClaimPoints } from './claim-points';
import { generatePresaleCode } from './codes';
import { ACTIVE_STATUSES } from './inventory';
import { standingsFor } from './member-rank';
import { memberRefusal, seatsRefusal, windowRefusal, type Refusal } from './window-state';

export interface ClaimRequest {
	memberId: string;
	seats: number;
	now: Date;
}

export type QueuedOutcome = { ok: true; claim: PresaleClaim } | { ok: false; refusal: Refusal };

interface Pending extends ClaimRequest {
	settle: (outcome: QueuedOutcome) => void;
	fail: (error: unknown) => void;
}

/** A fan whose standing is read: their rank and the wording of the window's audience for them. */
interface Ranked extends Pending {
	rank: number;
	audience: string;
}

/** At most this many claims per transaction: a batch must commit quickly, or the next one waits. */
const BATCH = 250;
/** The advisory-lock namespace of "one claim in flight per member and window". */
const CLAIM_LOCK = 7_311;

const missing: Refusal = { code: 'closed', message: 'This presale window no longer exists.' };

interface WindowQueue {
	pending: Pending[];
	running: boolean;
}
const queues = new WeakMap<Database, Map<number, WindowQueue>>();

/** Queues a claim on the window; resolves once its batch has committed (or refused it). */
export function queueClaim(db: Database, windowId: number, request: ClaimRequest): Promise<QueuedOutcome> {
	let byWindow = queues.get(db);
	if (!byWindow) queues.set(db, (byWindow = new Map()));
	let queue = byWindow.get(windowId);
	if (!queue) byWindow.set(windowId, (queue = { pending: [], running: false }));
	const q = queue;
	const windows = byWindow;
	return new Promise((settle, fail) => {
		q.pending.push({ ...request, settle, fail });
		if (!q.running) {
			q.running = true;
			// The claims of this tick join the first batch.
			setImmediate(() => void drain(db, windowId, q, windows));
		}
	});
}

async function drain(
	db: Database,
	windowId: number,
	q: WindowQueue,
	windows: Map<number, WindowQueue>
): Promise<void> {
	while (q.pending.length) {
		let batch = q.pending.splice(0, BATCH);
		try {
			const [w] = await db.select().from(presaleWindows).where(eq(presaleWindows.id, windowId));
			if (!w) {
				for (const p of batch) p.settle({ ok: false, refusal: missing });
				continue;
			}
			batch = batch.filter((p) => {
				const refusal = windowRefusal(w, p.seats, p.now);
				if (refusal) p.settle({ ok: false, refusal });
				return !refusal;
			});
			// As many as could still get a seat (and a margin for the ineligible); the rest wait
			// at the front of the queue for the next read of the counter.
			const room = 2 * w.seatsRemaining + 16;
			if (batch.length > room) q.pending.unshift(...batch.splice(room));
			if (!batch.length) continue;
			await takeSeats(db, w, batch);
		} catch (error) {
			for (const p of batch) p.fail(error);
		}
	}
	// Synchronously with the last check of the queue: a claim arriving later starts a new drain.
	q.running = false;
	windows.delete(windowId);
}

async function takeSeats(db: Database, w: PresaleWindow, batch: Pending[]): Promise<void> {
	// One read of the standings per instant the fans asked at (in the rush: one for the batch).
	const byInstant = new Map<number, Pending[]>();
	for (const p of batch) byInstant.set(p.now.getTime(), [...(byInstant.get(p.now.getTime()) ?? []), p]);
	const standings = new Map<Pending, { rank: number; audience: (minRank: number) => string }>();
	for (const group of byInstant.values()) {
		const read = await standingsFor(
			db,
			group.map((p) => p.memberId),
			group[0].now
		);
		for (const p of group)
			standings.set(p, read.get(p.memberId) ?? { rank: 0, audience: () => 'a higher tier' });
	}
	const ranked: Ranked[] = batch.map((p) => {
		const s = standings.get(p)!;
		return { ...p, rank: s.rank, audience: s.audience(w.minRank) };
	});
	const outcomes = await db.transaction((tx) => takeBatch(tx, w.id, ranked));
	// The next batch need not wait for this one's points; its fans do (their points show at once).
	const claims = outcomes.flatMap((o) => (o.ok ? [o.claim] : []));
	void recordClaimPoints(db, claims, batch[0].now).finally(() =>
		batch.forEach((p, i) => p.settle(outcomes[i]))
	);
}

/**
 * One batch under the window's row lock, in arrival order: each member's claims against their
 * limit (the seats they hold, plus what this batch gave them), then against the seats left.
 */
async function takeBatch(tx: Queryable, windowId: number, batch: Ranked[]): Promise<QueuedOutcome[]> {
	const members = [...new Set(batch.map((p) => p.memberId))].sort();
	// The same member in another instance's batch waits for this one (sorted: no deadlock), so
	// the seats each holds are known; other members never wait on each other here.
	await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK}, hashtext(${`${windowId}:`}::text || m))
		from unnest(${`{${members.join(',')}}`}::text[]) as m order by m`);
	const heldRows = await tx
		.select({
			memberId: presaleClaims.memberId,
			seats: sql<number>`sum(${presaleClaims.seats})`.mapWith(Number)
		})
		.from(presaleClaims)
		.where(
			and(
				eq(presaleClaims.windowId, windowId),
				inArray(presaleClaims.memberId, members),
				inArray(presaleClaims.status, [...ACTIVE_STATUSES])
			)
		)
		.groupBy(presaleClaims.memberId);
	const held = new Map(heldRows.map((r) => [r.memberId, r.seats]));
	// From here on the counter is locked: only arithmetic, one insert and one update until commit.
	const [w] = await tx.select().from(presaleWindows).where(eq(presaleWindows.id, windowId)).for('update');
	if (!w) return batch.map(() => ({ ok: false, refusal: missing }));
	let left = w.seatsRemaining;
	const outcomes: (QueuedOutcome | null)[] = [];
	const granted: { index: number; request: Ranked }[] = [];
	for (const p of batch) {
		// The row under the lock decides: staff may have closed or moved the window since the read.
		const refusal =
			windowRefusal({ ...w, seatsRemaining: Math.max(left, p.seats) }, p.seats, p.now) ??
			memberRefusal(w, p.rank, held.get(p.memberId) ?? 0, p.seats, p.audience) ??
			seatsRefusal(left, p.seats);
		if (refusal) {
			outcomes.push({ ok: false, refusal });
			continue;
		}
		left -= p.seats;
		held.set(p.memberId, (held.get(p.memberId) ?? 0) + p.seats);
		granted.push({ index: outcomes.length, request: p });
		outcomes.push(null);
	}
	if (granted.length) {
		const claims = await insertClaims(
			tx,
			w.id,
			w.eventId,
			granted.map((g) => g.request)
		);
		granted.forEach((g, i) => (outcomes[g.index] = { ok: true, claim: claims[i] }));
		// The CHECK (seats_remaining >= 0) backs the arithmetic: an oversell cannot even be written.
		await tx
			.update(presaleWindows)
			.set({ seatsRemaining: left, updatedAt: granted.at(-1)!.request.now })
			.where(eq(presaleWindows.id, w.id));
	}
	return outcomes as QueuedOutcome[];
}

/** One multi-row insert with fresh codes; a (vanishingly rare) code collision draws again. */
async function insertClaims(
	tx: Queryable,
	windowId: number,
	eventId: number,
	requests: ClaimRequest[]
): Promise<PresaleClaim[]> {
	const claims: (PresaleClaim | undefined)[] = requests.map(() => undefined);
	const codes = new Set<string>();
	const fresh = () => {
		let code = generatePresaleCode();
		while (codes.has(code)) code = generatePresaleCode();
		codes.add(code);
		return code;
	};
	for (let attempt = 0; attempt < 5; attempt++) {
		const todo = requests.flatMap((r, i) => (claims[i] ? [] : [{ r, i, code: fresh() }]));
		if (!todo.length) break;
		// ON CONFLICT DO NOTHING, not a caught error: a unique violation would abort the transaction.
		const rows = await tx
			.insert(presaleClaims)
			.values(
				todo.map(({ r, code }) => ({
					windowId,
					eventId,
					memberId: r.memberId,
					seats: r.seats,
					status: 'claimed' as const,
					code,
					createdAt: r.now,
					claimedAt: r.now
				}))
			)
			.onConflictDoNothing({ target: presaleClaims.code })
			.returning();
		const byCode = new Map(rows.map((row) => [row.code, row]));
		for (const t of todo) claims[t.i] = byCode.get(t.code);
	}
	if (claims.some((c) => !c)) throw new Error('could not draw unique presale codes');
	return claims as PresaleClaim[];
}
