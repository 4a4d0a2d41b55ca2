// The co-creation moments: "poll closing soon" to eligible fans who have not voted, once; and
// "your first vote is in" on a member's first ballot ever, not their second.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf, type Database } from '$lib/server/db/connect';
import { seedEssentials } from '$lib/server/setup';
import { runPollClosingDueWork } from '$lib/server/polls/closing';
import { resetMomentWording, saveMomentWording } from '$lib/server/notifications/moments/post';
import { castBallot, getPoll, publishOutcome } from '$lib/server/polls/store';
import { forEachDriver } from './harness';
import { HOUR, newMembers, newPoll } from './polls-fixtures';

async function inboxKinds(db: Database, memberId: string) {
	return rowsOf<{ kind: string; title: string }>(
		await db.execute(sql`select kind, title from inbox_items where member_id = ${memberId} order by id`)
	);
}

forEachDriver('poll moments', (t) => {
	it('tells eligible fans who have not voted, a day before close, once', async () => {
		await seedEssentials(t.db);
		const [staff] = await newMembers(t.db, 1, 'staff');
		const [voter, waiting, otherTier] = await newMembers(t.db, 3);
		await t.db.execute(
			sql`insert into member_tiers (member_id, rank) values (${otherTier}, 3) on conflict do nothing`
		);
		const now = new Date();
		const poll = await newPoll(t.db, staff, {
			question: 'Which encore?',
			eligibleRanks: [0],
			closesAt: new Date(now.getTime() + 30 * HOUR)
		});
		const full = (await getPoll(t.db, poll.id))!;
		await castBallot(t.db, {
			pollId: poll.id,
			memberId: voter,
			rank: 0,
			input: { choices: [String(full.options[0].id)] }
		});

		// 30 hours before close: too early.
		await runPollClosingDueWork(t.db, now);
		expect((await inboxKinds(t.db, waiting)).filter((i) => i.kind === 'poll_closing')).toEqual([]);
		// 20 hours before close, twice.
		const later = new Date(now.getTime() + 10 * HOUR);
		await runPollClosingDueWork(t.db, later);
		await runPollClosingDueWork(t.db, new Date(later.getTime() + HOUR));
		expect((await inboxKinds(t.db, waiting)).filter((i) => i.kind === 'poll_closing')).toEqual([
			{ kind: 'poll_closing', title: 'Last call: “Which encore?”' }
		]);
		expect((await inboxKinds(t.db, voter)).map((i) => i.kind)).toEqual(['first_vote']);
		expect(await inboxKinds(t.db, otherTier)).toEqual([]);

		// A second poll and vote: no second "first vote".
		const next = await newPoll(t.db, staff, { question: 'Which city next?' });
		const nextFull = (await getPoll(t.db, next.id))!;
		await castBallot(t.db, {
			pollId: next.id,
			memberId: voter,
			rank: 0,
			input: { choices: [String(nextFull.options[1].id)] }
		});
		expect((await inboxKinds(t.db, voter)).map((i) => i.kind)).toEqual(['first_vote']);
	});

	it('uses the staff wording for a poll outcome, and sends nothing when staff switch it off', async () => {
		await seedEssentials(t.db);
		const [staff] = await newMembers(t.db, 1, 'staff');
		const [fan] = await newMembers(t.db, 1);
		const now = Date.now();
		const closed = async (question: string) => {
			const poll = await newPoll(t.db, staff, {
				question,
				opensAt: new Date(now - 3 * HOUR),
				closesAt: new Date(now - HOUR)
			});
			const full = (await getPoll(t.db, poll.id))!;
			await castBallot(t.db, {
				pollId: poll.id,
				memberId: fan,
				rank: 0,
				input: { choices: [String(full.options[0].id)] },
				now: new Date(now - 2 * HOUR)
			});
			return poll.id;
		};
		try {
			await saveMomentWording(
				t.db,
				'poll_outcome',
				{ enabled: true, title: 'You chose! {poll}', body: null },
				staff
			);
			await publishOutcome(t.db, await closed('Acoustic or electric?'), 'Acoustic, on 14 May.', staff);
			await saveMomentWording(t.db, 'poll_outcome', { enabled: false, title: null, body: null }, staff);
			await publishOutcome(t.db, await closed('Which city?'), 'Ghent.', staff);
		} finally {
			await resetMomentWording(t.db, 'poll_outcome');
		}
		const outcomes = (await inboxKinds(t.db, fan)).filter((i) => i.kind === 'poll_outcome');
		expect(outcomes).toEqual([{ kind: 'poll_outcome', title: 'You chose! Acoustic or electric?' }]);
	});
});
