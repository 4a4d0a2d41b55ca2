// The one access rule for drops. Pure: a drop, a viewer and a moment in, a decision out.
// Every path that shows anything of a drop (pages, __data.json, media, feeds, inbox, the service
// worker's cache through the pages' headers) asks this function and nothing else.
import type { DropWindow } from '../db/schema';
import type { LadderTier } from '../loyalty';

export type { DropWindow };

export type DropStatus = 'draft' | 'scheduled' | 'published' | 'archived';

export interface AccessDrop {
	status: DropStatus;
	minRank: number;
	windows: readonly DropWindow[];
	publishAt: Date | null;
}

/** Who is looking: their tier rank as of now, and whether they are staff (who preview everything). */
export interface Viewer {
	rank: number;
	staff: boolean;
}

export type DropAccess =
	/** Not there at all for this viewer: a draft, a drop not yet live, archived, or no viewer. */
	| { kind: 'hidden' }
	/** Readable. `preview`: only because the viewer is staff. */
	| { kind: 'open'; since: Date | null; preview: boolean }
	/** Below the minimum tier: `needRank` unlocks it (from `opensAt` for that tier, when known). */
	| { kind: 'locked'; reason: 'tier'; needRank: number; opensAt: Date | null }
	/** The viewer's tier qualifies, but their window opens later; `openRank` is the lowest rank already in. */
	| { kind: 'locked'; reason: 'window'; opensAt: Date; openRank: number | null };

const MINUTE = 60_000;

/** Live means published (or scheduled and due): the time decides, so no scheduler lag can leak or hide it. */
export function isLive(drop: Pick<AccessDrop, 'status' | 'publishAt'>, now: Date): boolean {
	return (
		(drop.status === 'published' || drop.status === 'scheduled') &&
		drop.publishAt !== null &&
		drop.publishAt.getTime() <= now.getTime()
	);
}

/**
 * When the drop opens for a member of `rank`: null below the minimum tier. Without windows,
 * at publishing. With windows, at the earliest window at or below the rank; ranks below every
 * window (but at or above the minimum) get in with the last window, the general release.
 */
export function openingFor(drop: AccessDrop, rank: number): Date | null {
	if (drop.publishAt === null || rank < drop.minRank) return null;
	const start = drop.publishAt.getTime();
	if (drop.windows.length === 0) return new Date(start);
	let best: number | null = null;
	let last = 0;
	for (const w of drop.windows) {
		last = Math.max(last, w.delayMinutes);
		if (w.rank <= rank && (best === null || w.delayMinutes < best)) best = w.delayMinutes;
	}
	return new Date(start + (best ?? last) * MINUTE);
}

/** The last moment the drop opens for anyone (its general release): no tier's opening is later. */
export function latestOpening(drop: AccessDrop): Date | null {
	if (drop.publishAt === null) return null;
	let last = 0;
	for (const w of drop.windows) last = Math.max(last, w.delayMinutes);
	return new Date(drop.publishAt.getTime() + last * MINUTE);
}

/** The lowest rank that can read the drop at `now`, or null if nobody can yet. */
export function lowestOpenRank(drop: AccessDrop, ranks: readonly number[], now: Date): number | null {
	let lowest: number | null = null;
	for (const rank of ranks) {
		const at = openingFor(drop, rank);
		if (at && at.getTime() <= now.getTime() && (lowest === null || rank < lowest)) lowest = rank;
	}
	return lowest;
}

/** What `viewer` may see of `drop` at `now`. `ranks`: the ladder's ranks, for "who is in already". */
export function dropAccess(
	drop: AccessDrop,
	viewer: Viewer | null,
	now: Date,
	ranks: readonly number[] = []
): DropAccess {
	if (!viewer) return { kind: 'hidden' };
	const asFan = fanAccess(drop, viewer.rank, now, ranks);
	if (viewer.staff && asFan.kind !== 'open') {
		return { kind: 'open', since: drop.publishAt, preview: true };
	}
	return asFan;
}

function fanAccess(drop: AccessDrop, rank: number, now: Date, ranks: readonly number[]): DropAccess {
	if (!isLive(drop, now)) return { kind: 'hidden' };
	const opens = openingFor(drop, rank);
	if (opens === null) {
		return {
			kind: 'locked',
			reason: 'tier',
			needRank: drop.minRank,
			opensAt: openingFor(drop, drop.minRank)
		};
	}
	if (opens.getTime() > now.getTime()) {
		return { kind: 'locked', reason: 'window', opensAt: opens, openRank: lowestOpenRank(drop, ranks, now) };
	}
	return { kind: 'open', since: opens, preview: false };
}

/** May the viewer read the body and media? The question every serving path asks. */
export function canRead(access: DropAccess): boolean {
	return access.kind === 'open';
}

type Tier = Pick<LadderTier, 'rank' | 'name' | 'pointsThreshold' | 'purchasable' | 'paidName'>;

/**
 * The way to unlock a tier-locked drop, in words: "Reach Insider — or become a Supporter now".
 * The earned route names the first tier at or above the minimum that points can reach; the paid
 * route the cheapest tier at or above it that can be bought.
 */
export function unlockPath(ladder: readonly Tier[], needRank: number): string {
	const sorted = [...ladder].sort((a, b) => a.rank - b.rank);
	const earn = sorted.find((t) => t.rank >= needRank && t.pointsThreshold !== null);
	const buy = sorted.find((t) => t.rank >= needRank && t.purchasable);
	const buyName = buy ? (buy.paidName ?? buy.name) : null;
	if (earn && buyName) return `Reach ${earn.name} — or become a ${buyName} now`;
	if (earn) return `Reach ${earn.name} to unlock it`;
	if (buyName) return `Become a ${buyName} to unlock it`;
	const tier = sorted.find((t) => t.rank >= needRank);
	return tier ? `For ${tier.name} members` : 'Not open to members yet';
}

/** "Inner Circle members can read it now." for a window lock, when someone is in already. */
export function earlyAccessNote(ladder: readonly Tier[], openRank: number | null): string | null {
	if (openRank === null) return null;
	const tier = ladder.find((t) => t.rank === openRank);
	if (!tier) return null;
	const above = ladder.some((t) => t.rank > openRank);
	return `${tier.name}${above ? ' and up' : ''} can read it now.`;
}
