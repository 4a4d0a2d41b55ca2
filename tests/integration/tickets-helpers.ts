// Shared set-up for the tickets integration tests: members at a tier, an event with windows.
import { eq } from 'drizzle-orm';
import type { Database } from '$lib/server/db/connect';
import { events, memberTiers, presaleWindows, users, type PresaleWindow } from '$lib/server/db/schema';
import { DEFAULT_DRAW_WEIGHTS } from '$lib/server/tickets/draw';
import { unique } from './harness';

export const HOUR = 3600_000;

/** `n` fans whose effective rank is `rank` (through a paid tier valid for a year). */
export async function newMembers(db: Database, n: number, rank = 3, createdAt?: Date): Promise<string[]> {
	const tag = unique('tk');
	const rows = await db
		.insert(users)
		.values(
			Array.from({ length: n }, (_, i) => ({
				email: `${tag}-${i}@example.com`,
				displayName: `Fan ${i}`,
				passwordHash: 'x',
				...(createdAt ? { createdAt } : {})
			}))
		)
		.returning({ id: users.id });
	const ids = rows.map((r) => r.id);
	if (rank > 0)
		await db.insert(memberTiers).values(
			ids.map((memberId) => ({
				memberId,
				earnedRank: 0,
				paidRank: rank,
				paidUntil: new Date(Date.now() + 400 * 24 * HOUR),
				rank
			}))
		);
	return ids;
}

export interface WindowSpec {
	mode?: 'first_come' | 'draw';
	minRank?: number;
	opensAt: Date;
	closesAt: Date;
	allocation: number;
	perMemberLimit?: number;
	claimHours?: number;
}

/** An event starting in 30 days with the given windows, in opening order. */
export async function newEvent(
	db: Database,
	now: Date,
	specs: WindowSpec[]
): Promise<{ eventId: number; slug: string; windows: PresaleWindow[] }> {
	const slug = unique('show');
	const [event] = await db
		.insert(events)
		.values({
			slug,
			title: `Show ${slug}`,
			venue: 'The Depot',
			startsAt: new Date(now.getTime() + 30 * 24 * HOUR),
			timeZone: 'Europe/Brussels',
			publicSaleAt: new Date(now.getTime() + 20 * 24 * HOUR),
			capacity: specs.reduce((n, s) => n + s.allocation, 0) || 1
		})
		.returning();
	const windows = [];
	for (const s of specs) {
		const [w] = await db
			.insert(presaleWindows)
			.values({
				eventId: event.id,
				mode: s.mode ?? 'first_come',
				minRank: s.minRank ?? 0,
				opensAt: s.opensAt,
				closesAt: s.closesAt,
				allocation: s.allocation,
				seatsRemaining: s.allocation,
				perMemberLimit: s.perMemberLimit ?? 2,
				claimHours: s.claimHours ?? 48,
				drawWeights: DEFAULT_DRAW_WEIGHTS
			})
			.returning();
		windows.push(w);
	}
	return { eventId: event.id, slug, windows };
}

export async function windowRow(db: Database, id: number): Promise<PresaleWindow> {
	const [w] = await db.select().from(presaleWindows).where(eq(presaleWindows.id, id));
	return w;
}
