// First-come claims in the rush, taken in batches. The window's counter is one row every claim
// must change, and a commit waits for the disk: one transaction per claim caps a window at a few
// hundred claims a second whatever the hardware. So each app instance queues the claims on a
// window and takes them in arrival order, a batch at a time:
// - one unlocked read of the window answers everyone it refuses (not open, closed, sold out):
//   the thousands who come after the last seat cost one read per batch, not one each;
// - the standing of only as many fans as could still get a seat is read, outside any lock;
// - one transaction takes their seats: one lock on the counter, one insert, one update, one commit.
// Each fan gets the same refusal as alone; two instances' batches take the counter in turn.
import { eq, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db';
import { presaleWindows, type PresaleClaim, type PresaleWindow } from '../db/schema';
import { recordClaimPoints } from './claim-points';
import { heldSeats, insertClaims } from './inventory';
import { standingsFor } from './member-rank';
import { claimRefusal, WINDOW_GONE, windowRefusal, type Refusal } from './window-state';

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
				for (const p of batch) p.settle({ ok: false, refusal: WINDOW_GONE });
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
	for (const p of batch) {
		const group = byInstant.get(p.now.getTime());
		if (group) group.push(p);
		else byInstant.set(p.now.getTime(), [p]);
	}
	const ranked = new Map<Pending, Ranked>();
	for (const group of byInstant.values()) {
		const read = await standingsFor(
			db,
			group.map((p) => p.memberId),
			group[0].now
		);
		for (const p of group) {
			const s = read.get(p.memberId);
			ranked.set(p, { ...p, rank: s?.rank ?? 0, audience: s?.audience(w.minRank) ?? 'a higher tier' });
		}
	}
	const outcomes = await db.transaction((tx) =>
		takeBatch(
			tx,
			w.id,
			batch.map((p) => ranked.get(p)!)
		)
	);
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
	const held = await heldSeats(tx, windowId, members);
	// From here on the counter is locked: only arithmetic, one insert and one update until commit.
	const [w] = await tx.select().from(presaleWindows).where(eq(presaleWindows.id, windowId)).for('update');
	if (!w) return batch.map(() => ({ ok: false, refusal: WINDOW_GONE }));
	let left = w.seatsRemaining;
	const outcomes: (QueuedOutcome | null)[] = [];
	const granted: { index: number; request: Ranked }[] = [];
	for (const p of batch) {
		// The row under the lock decides (staff may have closed or moved the window since the read),
		// with the seats this batch has taken so far.
		const refusal = claimRefusal(
			{ ...w, seatsRemaining: left },
			p.rank,
			held.get(p.memberId) ?? 0,
			p.seats,
			p.now,
			p.audience
		);
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
			granted.map(({ request: r }) => ({
				windowId: w.id,
				eventId: w.eventId,
				memberId: r.memberId,
				seats: r.seats,
				status: 'claimed' as const,
				createdAt: r.now,
				claimedAt: r.now
			}))
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
