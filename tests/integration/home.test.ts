// The personal home against both drivers: each tier sees exactly the drops, polls, presales and
// invitations open to it, each with a reason; a locked drop (and any drop's body) never appears;
// "new" counts from the last visit, and a step up brings in what the new tier unlocked.
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '$lib/server/db/connect';
import {
	boardInvitations,
	boards,
	homeVisits,
	memberTiers,
	pollBallots,
	presaleClaims,
	tierChanges
} from '$lib/server/db/schema';
import { saveDrop } from '$lib/server/drops/store';
import type { DropInput } from '$lib/server/drops/form';
import type { Member } from '$lib/server/drops/fan';
import { loadHome, type Home } from '$lib/server/home/store';
import { seedEssentials } from '$lib/server/setup';
import { forEachDriver, unique } from './harness';
import { newPoll } from './polls-fixtures';
import { newEvent, newMembers } from './tickets-helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function dropInput(overrides: Partial<DropInput> = {}): DropInput {
	return {
		title: unique('Drop'),
		slug: unique('drop'),
		summary: 'The teaser',
		body: 'Body',
		minRank: 0,
		windows: [],
		pinned: false,
		intent: 'publish',
		publishAt: null,
		...overrides
	};
}

const titles = (home: Home, kind: string) =>
	home[kind === 'drop' ? 'newForYou' : 'yourTurn'].filter((i) => i.kind === kind).map((i) => i.title);

forEachDriver('personal home', (t) => {
	let staffId: string;
	const byRank = new Map<number, Member>();
	const made: Record<string, string> = {};
	const SECRET = unique('SECRET-BODY');
	const now = new Date();

	async function drop(db: Database, name: string, overrides: Partial<DropInput>, publishedAgo = 2 * HOUR) {
		const title = unique(name);
		const saved = await saveDrop(db, {
			input: dropInput({ title, body: SECRET, ...overrides }),
			actorId: staffId,
			now: new Date(now.getTime() - publishedAgo)
		});
		if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
		made[name] = title;
	}

	beforeAll(async () => {
		await seedEssentials(t.db);
		[staffId] = await newMembers(t.db, 1, 0);
		for (const rank of [0, 1, 2, 3]) {
			const [id] = await newMembers(t.db, 1, rank);
			byRank.set(rank, { id, role: 'fan' });
		}
		await drop(t.db, 'everyone', {});
		await drop(t.db, 'insiders', { minRank: 2 });
		// Patrons first; everyone else ten days later: only rank 3 may read it now.
		await drop(t.db, 'early', {
			windows: [
				{ rank: 3, delayMinutes: 0 },
				{ rank: 0, delayMinutes: 10 * 24 * 60 }
			]
		});
		await drop(t.db, 'old', {}, 30 * DAY);
		const insiderPoll = await newPoll(t.db, staffId, {
			question: unique('Insider poll'),
			eligibleRanks: [2, 3]
		});
		const openPoll = await newPoll(t.db, staffId, { question: unique('Open poll') });
		made.insiderPoll = insiderPoll.question;
		made.openPoll = openPoll.question;
		// The Patron already voted in the open poll.
		await t.db.insert(pollBallots).values({
			pollId: openPoll.id,
			memberId: byRank.get(3)!.id,
			choices: [1],
			rank: 3,
			weight: 1
		});
		const show = await newEvent(t.db, now, [
			{
				minRank: 2,
				opensAt: new Date(now.getTime() + 2 * DAY),
				closesAt: new Date(now.getTime() + 3 * DAY),
				allocation: 10
			}
		]);
		made.presale = `Presale: Show ${show.slug}`;
		const [board] = await t.db
			.insert(boards)
			.values({ name: unique('Board'), seats: 3, termEndsAt: new Date(now.getTime() + 90 * DAY) })
			.returning();
		await t.db.insert(boardInvitations).values({
			boardId: board.id,
			memberId: byRank.get(1)!.id,
			deadline: new Date(now.getTime() + 7 * DAY)
		});
		made.board = `Join the ${board.name}`;
		const drawn = await newEvent(t.db, now, [
			{
				mode: 'draw',
				opensAt: new Date(now.getTime() - 2 * DAY),
				closesAt: new Date(now.getTime() - DAY),
				allocation: 4
			}
		]);
		await t.db.insert(presaleClaims).values({
			windowId: drawn.windows[0].id,
			eventId: drawn.eventId,
			memberId: byRank.get(0)!.id,
			seats: 2,
			code: unique('CODE').replace(/[^A-Z0-9]/gi, ''),
			status: 'offered',
			claimBy: new Date(now.getTime() + DAY)
		});
		made.draw = `Confirm your seats for Show ${drawn.slug}`;
	});

	it('lists exactly the items each tier may use, each with a reason, and never a locked drop or a body', async () => {
		const homes = new Map<number, Home>();
		for (const [rank, member] of byRank) homes.set(rank, await loadHome(t.db, member, now));
		const expected: Record<number, { drops: string[]; polls: string[]; presale: boolean }> = {
			0: { drops: [made.everyone], polls: [made.openPoll], presale: false },
			1: { drops: [made.everyone], polls: [made.openPoll], presale: false },
			2: { drops: [made.everyone, made.insiders], polls: [made.insiderPoll, made.openPoll], presale: true },
			3: { drops: [made.everyone, made.insiders, made.early], polls: [made.insiderPoll], presale: true }
		};
		for (const [rank, home] of homes) {
			const want = expected[rank];
			expect(titles(home, 'drop').sort(), `drops at rank ${rank}`).toEqual([...want.drops].sort());
			expect(titles(home, 'poll').sort(), `polls at rank ${rank}`).toEqual([...want.polls].sort());
			expect(titles(home, 'presale'), `presale at rank ${rank}`).toEqual(want.presale ? [made.presale] : []);
			expect(titles(home, 'invitation')).toEqual(rank === 1 ? [made.board] : []);
			expect(titles(home, 'draw')).toEqual(rank === 0 ? [made.draw] : []);
			for (const item of [...home.newForYou, ...home.yourTurn]) expect(item.reason, item.title).not.toBe('');
			expect(JSON.stringify(home)).not.toContain(SECRET);
			expect(home.firstSteps).toBe(true);
		}
		const early = homes.get(3)!.newForYou.find((i) => i.title === made.early)!;
		expect(early.reason).toMatch(/^Early access for Patron · others wait until \d+ \w+/);
		expect(homes.get(2)!.yourTurn.find((i) => i.kind === 'presale')!.reason).toMatch(
			/^Opens for Insider and up /
		);
	});

	it('counts "new" from the last visit; a step up brings in what the new tier unlocked', async () => {
		const member = byRank.get(1)!;
		// A visit an hour later: nothing new since the first one.
		const later = new Date(now.getTime() + HOUR);
		await loadHome(t.db, member, later);
		const again = await loadHome(t.db, member, new Date(later.getTime() + HOUR));
		expect(again.newForYou).toEqual([]);
		expect(again.since).toBe(later.toISOString());
		// They step up to Insider (paid route) between visits.
		const stepAt = new Date(later.getTime() + 2 * HOUR);
		await t.db.update(memberTiers).set({ paidRank: 2, rank: 2 }).where(eq(memberTiers.memberId, member.id));
		await t.db
			.insert(tierChanges)
			.values({ memberId: member.id, fromRank: 1, toRank: 2, route: 'paid', at: stepAt });
		const after = await loadHome(t.db, member, new Date(stepAt.getTime() + 4 * HOUR));
		expect(after.newForYou.map((i) => [i.title, i.reason])).toEqual([
			[made.insiders, 'Unlocked when you reached Insider']
		]);
	});

	it('a reload within a minute writes nothing; a later one moves the visit on', async () => {
		const member = byRank.get(0)!;
		const seen = async () =>
			(
				await t.db.select().from(homeVisits).where(eq(homeVisits.memberId, member.id))
			)[0]?.seenAt.toISOString();
		const first = new Date(now.getTime() + 5 * DAY);
		const before = await loadHome(t.db, member, first);
		expect(await seen()).toBe(first.toISOString());
		const reload = await loadHome(t.db, member, new Date(first.getTime() + 30_000));
		expect(await seen()).toBe(first.toISOString());
		expect(reload.since).toBe(before.since);
		const later = new Date(first.getTime() + 2 * 60_000);
		const again = await loadHome(t.db, member, later);
		expect(await seen()).toBe(later.toISOString());
		// Within ten minutes of the last visit: "new" still counts from the same one.
		expect(again.since).toBe(before.since);
		const nextDay = new Date(first.getTime() + DAY);
		expect((await loadHome(t.db, member, nextDay)).since).toBe(later.toISOString());
	});
});
