import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openPostgres, type Database } from '$lib/server/db/connect';
import { boardInvitations, boards, inboxItems, memberTiers, users } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import {
	acceptInvitation,
	addPost,
	createBoard,
	declineInvitation,
	inviteSegment,
	isBoardMember,
	listPosts,
	moderatePost
} from '$lib/server/board/store';
import { recordEngagement } from '$lib/server/loyalty';
import { castBallot, getPoll } from '$lib/server/polls/store';
import { EMPTY_FILTER, type SegmentFilter } from '$lib/server/segments/filter';
import { previewSegment } from '$lib/server/segments/query';
import { forEachDriver, onPostgres, unique } from './harness';
import { HOUR, newMembers, newPoll } from './polls-fixtures';

const DAY = 24 * HOUR;

async function board(db: Database, staff: string, seats = 3) {
	return createBoard(
		db,
		{
			name: unique('Board'),
			purpose: 'Shape the next record.',
			seats,
			termEndsAt: new Date(Date.now() + 365 * DAY)
		},
		staff
	);
}

/** Invites exactly these members (a segment of everyone, then only theirs are kept). */
async function invite(
	db: Database,
	boardId: number,
	staff: string,
	members: string[],
	deadline = new Date(Date.now() + 7 * DAY)
) {
	await db
		.insert(boardInvitations)
		.values(members.map((memberId) => ({ boardId, memberId, deadline, invitedBy: staff })));
	return db.select().from(boardInvitations).where(eq(boardInvitations.boardId, boardId));
}

forEachDriver('segments and advisory boards', (t) => {
	it('selects fans by tier, points, recent activity, tenure, voting and attendance', async () => {
		await seedEssentials(t.db);
		const [staff] = await newMembers(t.db, 1, 'staff');
		const [insider, attendee, voter, newcomer] = await newMembers(t.db, 4);
		const tag = unique('seg');
		// Only this test's members: tag their names, then filter the preview by them.
		for (const id of [insider, attendee, voter, newcomer])
			await t.db.update(users).set({ displayName: tag }).where(eq(users.id, id));
		await t.db
			.update(users)
			.set({ createdAt: new Date(Date.now() - 400 * DAY) })
			.where(eq(users.id, insider));
		await t.db.insert(memberTiers).values({ memberId: insider, earnedRank: 2, rank: 2 });
		await t.db.transaction((tx) =>
			recordEngagement(tx, {
				memberId: attendee,
				kind: 'venue_checkin',
				object: 'event:1',
				source: 'test',
				idempotencyKey: unique('k')
			})
		);
		const { id: pollId } = await newPoll(t.db, staff);
		const option = String((await getPoll(t.db, pollId))!.options[0].id);
		await castBallot(t.db, { pollId, memberId: voter, rank: 0, input: { choices: [option] } });

		const mine = async (f: Partial<SegmentFilter>) => {
			const r = await previewSegment(t.db, { ...EMPTY_FILTER, ...f }, new Date(), 10_000);
			return r.members
				.filter((m) => m.displayName === tag)
				.map((m) => m.id)
				.sort();
		};
		expect(await mine({})).toEqual([insider, attendee, voter, newcomer].sort());
		expect(await mine({ tiers: [2] })).toEqual([insider]);
		expect(await mine({ minPoints: 100 })).toEqual([attendee]);
		expect(await mine({ minPoints: 1, maxPoints: 50 })).toEqual([voter]);
		expect(await mine({ minEngagements90: 1 })).toEqual([attendee, voter].sort());
		expect(await mine({ minTenureDays: 365 })).toEqual([insider]);
		expect(await mine({ hasVoted: 'yes' })).toEqual([voter]);
		expect(await mine({ hasAttended: 'yes' })).toEqual([attendee]);
		expect(await mine({ hasAttended: 'no', hasVoted: 'no', tiers: [0] })).toEqual([newcomer]);
		expect((await previewSegment(t.db, EMPTY_FILTER)).members.some((m) => m.id === staff)).toBe(false);
	});

	it('invites a segment once, with an inbox item each', async () => {
		const [staff] = await newMembers(t.db, 1, 'staff');
		const b = await board(t.db, staff);
		const filter = { ...EMPTY_FILTER, minTenureDays: 0 };
		const first = await inviteSegment(t.db, {
			boardId: b.id,
			filter,
			deadline: new Date(Date.now() + DAY),
			staffId: staff
		});
		expect(first.invited).toBeGreaterThan(0);
		const again = await inviteSegment(t.db, {
			boardId: b.id,
			filter,
			deadline: new Date(Date.now() + DAY),
			staffId: staff
		});
		expect(again.invited).toBe(0);
		const items = await t.db.select().from(inboxItems).where(eq(inboxItems.kind, 'board_invitation'));
		expect(items.filter((i) => i.data.boardId === b.id)).toHaveLength(first.invited);
	});

	it('accepts until the seats are full, refuses after the deadline, records a decline reason', async () => {
		const [staff, a, b, c, late, decliner] = await newMembers(t.db, 6);
		const brd = await board(t.db, staff, 2);
		const invs = await invite(t.db, brd.id, staff, [a, b, c, decliner]);
		const [lateInv] = await invite(
			t.db,
			(await board(t.db, staff)).id,
			staff,
			[late],
			new Date(Date.now() - HOUR)
		);
		const inv = (m: string) => invs.find((i) => i.memberId === m)!.id;

		expect(await acceptInvitation(t.db, inv(a), a)).toEqual({ ok: true });
		expect(await acceptInvitation(t.db, inv(a), a)).toMatchObject({ ok: false, code: 'answered' });
		expect(await acceptInvitation(t.db, inv(b), c)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await acceptInvitation(t.db, inv(b), b)).toEqual({ ok: true });
		expect(await acceptInvitation(t.db, inv(c), c)).toMatchObject({ ok: false, code: 'board_full' });
		expect(await acceptInvitation(t.db, lateInv.id, late)).toMatchObject({
			ok: false,
			code: 'deadline_passed'
		});
		expect(
			await declineInvitation(t.db, inv(decliner), decliner, 'Touring <b>myself</b> that month')
		).toEqual({ ok: true });
		const [declined] = await t.db
			.select()
			.from(boardInvitations)
			.where(eq(boardInvitations.id, inv(decliner)));
		expect(declined).toMatchObject({ status: 'declined', declineReason: 'Touring myself that month' });
		const [row] = await t.db.select().from(boards).where(eq(boards.id, brd.id));
		expect(row.seatsTaken).toBe(2);
		expect(await isBoardMember(t.db, brd.id, a)).toBe(true);
		expect(await isBoardMember(t.db, brd.id, c)).toBe(false);
	});

	it('threads posts and replies; staff pin and hide; updates reach members', async () => {
		const [staff, member] = await newMembers(t.db, 2);
		const brd = await board(t.db, staff);
		const [inv] = await invite(t.db, brd.id, staff, [member]);
		await acceptInvitation(t.db, inv.id, member);
		expect(await addPost(t.db, { boardId: brd.id, authorId: member, body: '   ' })).toMatchObject({
			ok: false
		});
		await addPost(t.db, { boardId: brd.id, authorId: member, body: 'First thought' });
		await addPost(t.db, { boardId: brd.id, authorId: staff, body: 'Welcome, all', isUpdate: true });
		let posts = await listPosts(t.db, brd.id, false);
		const thread = posts.find((p) => p.body === 'First thought')!;
		await addPost(t.db, { boardId: brd.id, authorId: staff, body: 'Good point', parentId: thread.id });
		await moderatePost(t.db, { boardId: brd.id, postId: thread.id, action: 'pin', staffId: staff });
		posts = await listPosts(t.db, brd.id, false);
		expect(posts[0]).toMatchObject({
			body: 'First thought',
			pinned: true,
			replies: [{ body: 'Good point' }]
		});
		await moderatePost(t.db, { boardId: brd.id, postId: thread.id, action: 'hide', staffId: staff });
		expect((await listPosts(t.db, brd.id, false)).map((p) => p.body)).toEqual(['Welcome, all']);
		expect((await listPosts(t.db, brd.id, true)).find((p) => p.id === thread.id)?.hidden).toBe(true);
		const inbox = await t.db.select().from(inboxItems).where(eq(inboxItems.memberId, member));
		expect(inbox.map((i) => i.kind)).toContain('board_update');
	});
});

onPostgres('advisory board seats under concurrency', (t) => {
	it('30 concurrent acceptances for 10 seats seat exactly 10', async () => {
		await seedEssentials(t.db);
		const app = await openPostgres(t.url, { max: 20 });
		try {
			const [staff, ...fans] = await newMembers(t.db, 31);
			const brd = await board(t.db, staff, 10);
			const invs = await invite(t.db, brd.id, staff, fans);
			const results = await Promise.all(invs.map((i) => acceptInvitation(app.db, i.id, i.memberId)));
			expect(results.filter((r) => r.ok)).toHaveLength(10);
			expect(results.filter((r) => !r.ok && r.code === 'board_full')).toHaveLength(20);
			const accepted = await t.db.select().from(boardInvitations).where(eq(boardInvitations.boardId, brd.id));
			expect(accepted.filter((i) => i.status === 'accepted')).toHaveLength(10);
			const [row] = await t.db.select().from(boards).where(eq(boards.id, brd.id));
			expect(row.seatsTaken).toBe(10);
		} finally {
			await app.close();
		}
	});
});
