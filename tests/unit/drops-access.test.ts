// The one access rule for drops, over tiers × windows × moments, to the exact second.
import { describe, expect, it } from 'vitest';
import {
	canRead,
	dropAccess,
	earlyAccessNote,
	isLive,
	latestOpening,
	lowestOpenRank,
	openingFor,
	unlockPath,
	type AccessDrop,
	type DropStatus,
	type Viewer
} from '$lib/server/drops/access';

const RANKS = [0, 1, 2, 3, 4];
const LADDER = [
	{ rank: 0, name: 'Listener', pointsThreshold: 0, purchasable: false, paidName: null },
	{ rank: 1, name: 'Fan', pointsThreshold: 200, purchasable: false, paidName: null },
	{ rank: 2, name: 'Insider', pointsThreshold: 1000, purchasable: true, paidName: 'Supporter' },
	{ rank: 3, name: 'Patron', pointsThreshold: null, purchasable: true, paidName: null },
	{ rank: 4, name: 'Inner Circle', pointsThreshold: 5000, purchasable: true, paidName: null }
];

const T0 = new Date('2026-05-01T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const SECOND = 1000;
const DAY = 24 * 60 * 60 * 1000;
const fan = (rank: number): Viewer => ({ rank, staff: false });
const staff: Viewer = { rank: 0, staff: true };

function drop(overrides: Partial<AccessDrop> = {}): AccessDrop {
	return { status: 'published', minRank: 0, windows: [], publishAt: T0, ...overrides };
}

/** Inner Circle at publishing, Patron 2 days later, everyone from Listener 7 days later. */
const windowed = drop({
	windows: [
		{ rank: 4, delayMinutes: 0 },
		{ rank: 3, delayMinutes: 2 * 24 * 60 },
		{ rank: 0, delayMinutes: 7 * 24 * 60 }
	]
});

describe('dropAccess: minimum tier', () => {
	const gated = drop({ minRank: 3 });
	it.each(RANKS)('rank %i reads a Patron drop only from Patron up', (rank) => {
		const access = dropAccess(gated, fan(rank), at(DAY), RANKS);
		expect(canRead(access)).toBe(rank >= 3);
		if (rank < 3) expect(access).toMatchObject({ kind: 'locked', reason: 'tier', needRank: 3, opensAt: T0 });
	});

	it('a drop for everyone opens for every rank at publishing, not a second before', () => {
		for (const rank of RANKS) {
			expect(dropAccess(drop(), fan(rank), at(-SECOND), RANKS)).toEqual({ kind: 'hidden' });
			expect(dropAccess(drop(), fan(rank), T0, RANKS)).toEqual({ kind: 'open', since: T0, preview: false });
		}
	});

	it('nobody signed in sees nothing', () => {
		expect(dropAccess(drop(), null, at(DAY), RANKS)).toEqual({ kind: 'hidden' });
	});
});

describe('dropAccess: early-access windows', () => {
	// [rank, moment, readable?]: each window's boundary second, and the second before it.
	const matrix: [number, number, boolean][] = [
		[4, 0, true],
		[4, -SECOND, false],
		[3, 0, false],
		[3, 2 * DAY - SECOND, false],
		[3, 2 * DAY, true],
		[2, 2 * DAY, false],
		[2, 7 * DAY - SECOND, false],
		[2, 7 * DAY, true],
		[1, 7 * DAY, true],
		[0, 7 * DAY - SECOND, false],
		[0, 7 * DAY, true],
		[0, 400 * DAY, true]
	];
	it.each(matrix)('rank %i at T0%+d ms: readable %s', (rank, offset, readable) => {
		expect(canRead(dropAccess(windowed, fan(rank), at(offset), RANKS))).toBe(readable);
	});

	it('a waiting member is told when it opens for them and who is in already', () => {
		expect(dropAccess(windowed, fan(2), at(DAY), RANKS)).toEqual({
			kind: 'locked',
			reason: 'window',
			opensAt: at(7 * DAY),
			openRank: 4
		});
		expect(dropAccess(windowed, fan(0), at(3 * DAY), RANKS)).toMatchObject({ openRank: 3 });
	});

	it('a tier without its own window gets in with the next window below it', () => {
		expect(openingFor(windowed, 4)).toEqual(T0);
		expect(openingFor(windowed, 3)).toEqual(at(2 * DAY));
		expect(openingFor(windowed, 2)).toEqual(at(7 * DAY));
		expect(openingFor(windowed, 1)).toEqual(at(7 * DAY));
	});

	it('no tier opens later than the general release (latestOpening)', () => {
		expect(latestOpening(windowed)).toEqual(at(7 * DAY));
		for (const rank of RANKS)
			expect(openingFor(windowed, rank)!.getTime()).toBeLessThanOrEqual(at(7 * DAY).getTime());
		expect(latestOpening({ ...windowed, windows: [] })).toEqual(T0);
		expect(latestOpening({ ...windowed, publishAt: null })).toBeNull();
	});

	it('ranks at the minimum but below every window get in with the last window', () => {
		const d = drop({
			minRank: 1,
			windows: [
				{ rank: 4, delayMinutes: 0 },
				{ rank: 3, delayMinutes: 60 }
			]
		});
		expect(openingFor(d, 0)).toBeNull();
		expect(openingFor(d, 1)).toEqual(at(60 * 60 * 1000));
		expect(openingFor(d, 2)).toEqual(at(60 * 60 * 1000));
		expect(dropAccess(d, fan(0), at(DAY), RANKS)).toMatchObject({ reason: 'tier', needRank: 1 });
	});

	it('windows combine with a minimum tier: below it is a tier lock, even after every window', () => {
		const d = drop({
			minRank: 2,
			windows: [
				{ rank: 4, delayMinutes: 0 },
				{ rank: 2, delayMinutes: 24 * 60 }
			]
		});
		expect(dropAccess(d, fan(1), at(30 * DAY), RANKS)).toMatchObject({
			kind: 'locked',
			reason: 'tier',
			opensAt: at(DAY)
		});
		expect(canRead(dropAccess(d, fan(2), at(DAY), RANKS))).toBe(true);
		expect(canRead(dropAccess(d, fan(3), at(DAY - SECOND), RANKS))).toBe(false);
	});

	it('a window nobody has reached yet: nobody is in', () => {
		const d = drop({ windows: [{ rank: 4, delayMinutes: 60 }] });
		expect(lowestOpenRank(d, RANKS, at(SECOND))).toBeNull();
		expect(dropAccess(d, fan(4), at(SECOND), RANKS)).toMatchObject({ reason: 'window', openRank: null });
		expect(lowestOpenRank(d, RANKS, at(60 * 60 * 1000))).toBe(0);
	});

	it('access never shrinks as the rank grows', () => {
		for (let t = -DAY; t <= 8 * DAY; t += 6 * 60 * 60 * 1000) {
			let before = false;
			for (const rank of RANKS) {
				const now = canRead(dropAccess(windowed, fan(rank), at(t), RANKS));
				if (before) expect(now).toBe(true);
				before = now;
			}
		}
	});
});

describe('dropAccess: states', () => {
	it.each<[DropStatus, Date | null, boolean]>([
		['draft', null, false],
		['draft', T0, false],
		['scheduled', at(DAY), false],
		['scheduled', T0, true], // due: live on the second, whether or not the scheduler has run yet
		['published', T0, true],
		['archived', T0, false]
	])('%s with publishAt %s: live %s', (status, publishAt, live) => {
		const d = drop({ status, publishAt });
		expect(isLive(d, T0)).toBe(live);
		expect(canRead(dropAccess(d, fan(4), T0, RANKS))).toBe(live);
		if (!live) expect(dropAccess(d, fan(4), T0, RANKS)).toEqual({ kind: 'hidden' });
	});

	it('a scheduled drop appears at its exact second', () => {
		const d = drop({ status: 'scheduled', publishAt: at(DAY) });
		expect(dropAccess(d, fan(0), at(DAY - 1), RANKS).kind).toBe('hidden');
		expect(dropAccess(d, fan(0), at(DAY), RANKS).kind).toBe('open');
	});
});

describe('dropAccess: staff preview', () => {
	it.each<AccessDrop>([
		drop({ status: 'draft', publishAt: null }),
		drop({ status: 'scheduled', publishAt: at(DAY) }),
		drop({ status: 'archived' }),
		drop({ minRank: 4 }),
		windowed
	])('staff read every drop, marked as a preview (%#)', (d) => {
		expect(dropAccess(d, staff, at(SECOND), RANKS)).toMatchObject({ kind: 'open', preview: true });
	});

	it('staff reading a drop fans can read is no preview', () => {
		expect(dropAccess(drop(), staff, at(SECOND), RANKS)).toEqual({ kind: 'open', since: T0, preview: false });
	});
});

describe('lock words', () => {
	it('names both routes: the tier to earn and the tier to buy', () => {
		expect(unlockPath(LADDER, 2)).toBe('Reach Insider — or become a Supporter now');
		// Patron cannot be earned: the earned route is the next earnable tier above it.
		expect(unlockPath(LADDER, 3)).toBe('Reach Inner Circle — or become a Patron now');
		expect(unlockPath(LADDER, 1)).toBe('Reach Fan — or become a Supporter now');
	});

	it('falls back when a route is missing', () => {
		const earnOnly = LADDER.map((t) => ({ ...t, purchasable: false }));
		expect(unlockPath(earnOnly, 1)).toBe('Reach Fan to unlock it');
		const buyOnly = LADDER.map((t) => ({ ...t, pointsThreshold: null }));
		expect(unlockPath(buyOnly, 3)).toBe('Become a Patron to unlock it');
	});

	it('says who is in already during early access', () => {
		expect(earlyAccessNote(LADDER, 4)).toBe('Inner Circle can read it now.');
		expect(earlyAccessNote(LADDER, 3)).toBe('Patron and up can read it now.');
		expect(earlyAccessNote(LADDER, null)).toBeNull();
	});
});
