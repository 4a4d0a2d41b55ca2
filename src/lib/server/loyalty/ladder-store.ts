// The ladder as stored: tiers, and the thresholds over time (ladder versions) the engine judges by.
// Read by the engine and every page that shows tiers; seeded on every install.
import { asc } from 'drizzle-orm';
import type { Queryable } from '../db';
import { ladderVersions, tiers, type LadderVersion } from '../db/schema';
import { DEFAULT_LADDER } from './default-ladder';
import type { Ladder, LadderTier } from './ladder';
import { timelineOf, type Timeline } from './tier-state';

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
	const [ladder, versions] = await Promise.all([current ?? loadLadder(db), loadLadderVersions(db)]);
	return timelineFrom(ladder, versions);
}

export function loadLadderVersions(db: Queryable): Promise<LadderVersion[]> {
	return db.select().from(ladderVersions).orderBy(asc(ladderVersions.effectiveAt), asc(ladderVersions.id));
}

export function timelineFrom(ladder: Ladder, versions: readonly LadderVersion[]): Timeline {
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
		await db
			.insert(ladderVersions)
			.values({ effectiveAt: new Date(0), thresholds: thresholdsOf(await loadLadder(db)) });
	}
}

/** The default ladder (only tiers not there yet) and its first version: run on every start. */
export async function seedLadder(db: Queryable): Promise<void> {
	await db.insert(tiers).values(DEFAULT_LADDER).onConflictDoNothing();
	await seedLadderVersion(db);
}
