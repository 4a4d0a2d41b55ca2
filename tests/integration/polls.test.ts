import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openPostgres } from '$lib/server/db/connect';
import { engagements, inboxItems, pollBallots } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import {
	castBallot,
	closePollNow,
	getBallot,
	getPoll,
	pollResults,
	publishOutcome
} from '$lib/server/polls/store';
import { forEachDriver, onPostgres } from './harness';
import { HOUR, newMembers, newPoll } from './polls-fixtures';

async function voteEngagements(db: Parameters<typeof getPoll>[0], memberId: string, pollId: number) {
	return db
		.select()
		.from(engagements)
		.where(and(eq(engagements.memberId, memberId), eq(engagements.object, `poll:${pollId}`)));
}

forEachDriver('polls', (t) => {
	it('casts a ballot once, records one poll_vote engagement and refuses a second', async () => {
		await seedEssentials(t.db);
		const [staff] = await newMembers(t.db, 1, 'staff');
		const [fan] = await newMembers(t.db, 1);
		const { id } = await newPoll(t.db, staff);
		const poll = (await getPoll(t.db, id))!;
		const [a, b] = poll.options;

		const first = await castBallot(t.db, {
			pollId: id,
			memberId: fan,
			rank: 0,
			input: { choices: [String(a.id)] }
		});
		expect(first).toEqual({ ok: true, status: 'cast' });
		const second = await castBallot(t.db, {
			pollId: id,
			memberId: fan,
			rank: 0,
			input: { choices: [String(b.id)] }
		});
		expect(second).toMatchObject({ ok: false, code: 'already_voted' });
		expect((await getBallot(t.db, id, fan))!.choices).toEqual([a.id]);
		const entries = await voteEngagements(t.db, fan, id);
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ kind: 'poll_vote', points: 20 });
	});

	it('replaces a ballot when the poll allows changes, without a second engagement', async () => {
		const [staff, fan] = await newMembers(t.db, 2);
		const { id } = await newPoll(t.db, staff, { allowChange: true });
		const [a, b] = (await getPoll(t.db, id))!.options;
		await castBallot(t.db, { pollId: id, memberId: fan, rank: 0, input: { choices: [String(a.id)] } });
		const changed = await castBallot(t.db, {
			pollId: id,
			memberId: fan,
			rank: 0,
			input: { choices: [String(b.id)] }
		});
		expect(changed).toEqual({ ok: true, status: 'changed' });
		expect((await getBallot(t.db, id, fan))!.choices).toEqual([b.id]);
		expect(await voteEngagements(t.db, fan, id)).toHaveLength(1);
		const rows = await t.db.select().from(pollBallots).where(eq(pollBallots.pollId, id));
		expect(rows).toHaveLength(1);
	});

	it('refuses closed, upcoming, ineligible and foreign-option ballots and writes nothing', async () => {
		const [staff, fan] = await newMembers(t.db, 2);
		const now = Date.now();
		const closed = await newPoll(t.db, staff, {
			opensAt: new Date(now - 48 * HOUR),
			closesAt: new Date(now - HOUR)
		});
		const upcoming = await newPoll(t.db, staff, {
			opensAt: new Date(now + HOUR),
			closesAt: new Date(now + 48 * HOUR)
		});
		const forPatrons = await newPoll(t.db, staff, { eligibleRanks: [3, 4] });
		const other = await newPoll(t.db, staff);
		const otherOption = (await getPoll(t.db, other.id))!.options[0].id;
		const vote = (pollId: number, choice: number, rank = 0) =>
			castBallot(t.db, { pollId, memberId: fan, rank, input: { choices: [String(choice)] } });
		const option = async (pollId: number) => (await getPoll(t.db, pollId))!.options[0].id;

		expect(await vote(closed.id, await option(closed.id))).toMatchObject({ ok: false, code: 'closed' });
		expect(await vote(upcoming.id, await option(upcoming.id))).toMatchObject({ ok: false, code: 'upcoming' });
		expect(await vote(forPatrons.id, await option(forPatrons.id), 1)).toMatchObject({
			ok: false,
			code: 'ineligible'
		});
		const foreign = await vote(forPatrons.id, otherOption, 3);
		expect(foreign).toMatchObject({ ok: false, code: 'invalid', errors: { choice: expect.any(String) } });
		expect(await t.db.select().from(pollBallots).where(eq(pollBallots.memberId, fan))).toHaveLength(0);
		expect(await t.db.select().from(engagements).where(eq(engagements.memberId, fan))).toHaveLength(0);
	});

	it('counts a weighted ranked poll with its runoff rounds', async () => {
		const [staff, ...fans] = await newMembers(t.db, 6);
		const { id } = await newPoll(t.db, staff, { kind: 'ranked', tierWeights: { '3': 2 } });
		const poll = (await getPoll(t.db, id))!;
		const [a, b, c] = poll.options.map((o) => String(o.id));
		// Weights: fans[0] is a patron (2), the rest count once.
		// First preferences: A 2 (patron), B 1+1, C 1 → 6 in all; no majority; C goes, its ballot moves to B.
		const ballots: [number, Record<string, string>][] = [
			[3, { [a]: '1', [b]: '2' }],
			[0, { [b]: '1' }],
			[0, { [b]: '1', [a]: '2' }],
			[0, { [c]: '1', [b]: '2' }]
		];
		for (const [i, [rank, ranks]] of ballots.entries()) {
			const r = await castBallot(t.db, { pollId: id, memberId: fans[i], rank, input: { ranks } });
			expect(r.ok).toBe(true);
		}
		const results = await pollResults(t.db, poll);
		if (results.kind !== 'ranked') throw new Error('expected a ranked result');
		expect(results.tally.totalWeight).toBe(5);
		expect(results.runoff.rounds.map((r) => r.counts.map((c) => c.votes))).toEqual([
			[2, 2, 1],
			[2, 3]
		]);
		expect(results.runoff.winner).toBe(Number(b));
	});

	it('publishes an outcome only after close, and every voter hears once', async () => {
		const [staff, v1, v2, bystander] = await newMembers(t.db, 4);
		const { id } = await newPoll(t.db, staff);
		const option = String((await getPoll(t.db, id))!.options[0].id);
		for (const fan of [v1, v2])
			await castBallot(t.db, { pollId: id, memberId: fan, rank: 0, input: { choices: [option] } });

		expect(await publishOutcome(t.db, id, 'Too early', staff)).toMatchObject({ ok: false });
		expect(await closePollNow(t.db, id, staff)).toBe(true);
		expect(await publishOutcome(t.db, id, 'You chose Lanterns: it closes every show in May.', staff)).toEqual(
			{
				ok: true,
				notified: 2
			}
		);
		await publishOutcome(t.db, id, 'Corrected: every show in May and June.', staff);
		const inbox = await t.db.select().from(inboxItems).where(eq(inboxItems.kind, 'poll_outcome'));
		const mine = inbox.filter((i) => [v1, v2, bystander].includes(i.memberId));
		expect(mine.map((i) => i.memberId).sort()).toEqual([v1, v2].sort());
		expect((await getPoll(t.db, id))!.outcomeNote).toBe('Corrected: every show in May and June.');
		const afterClose = await castBallot(t.db, {
			pollId: id,
			memberId: bystander,
			rank: 0,
			input: { choices: [option] }
		});
		expect(afterClose).toMatchObject({ ok: false, code: 'closed' });
	});
});

onPostgres('polls under concurrency', (t) => {
	it('1,000 members voting at once make 1,000 ballots and a correct tally', async () => {
		await seedEssentials(t.db);
		const app = await openPostgres(t.url, { max: 20 });
		try {
			const [staff] = await newMembers(t.db, 1, 'staff');
			const fans = await newMembers(t.db, 1000);
			const { id } = await newPoll(t.db, staff);
			const poll = (await getPoll(t.db, id))!;
			const ids = poll.options.map((o) => String(o.id));
			const results = await Promise.all(
				fans.map((fan, i) =>
					castBallot(app.db, { pollId: id, memberId: fan, rank: 0, input: { choices: [ids[i % 3]] } })
				)
			);
			expect(results.filter((r) => r.ok)).toHaveLength(1000);
			const tally = await pollResults(t.db, poll);
			expect(tally.tally.ballots).toBe(1000);
			expect(tally.tally.options.map((o) => o.votes)).toEqual([334, 333, 333]);
			const entries = await t.db
				.select()
				.from(engagements)
				.where(eq(engagements.object, `poll:${id}`));
			expect(entries).toHaveLength(1000);
		} finally {
			await app.close();
		}
	});

	it('50 concurrent ballots from one member make one ballot and one engagement', async () => {
		const app = await openPostgres(t.url, { max: 20 });
		try {
			const [staff, fan] = await newMembers(t.db, 2);
			for (const allowChange of [false, true]) {
				const { id } = await newPoll(t.db, staff, { allowChange });
				const ids = (await getPoll(t.db, id))!.options.map((o) => String(o.id));
				const results = await Promise.all(
					Array.from({ length: 50 }, (_, i) =>
						castBallot(app.db, { pollId: id, memberId: fan, rank: 0, input: { choices: [ids[i % 3]] } })
					)
				);
				expect(results.filter((r) => r.ok && r.status === 'cast')).toHaveLength(1);
				if (!allowChange) expect(results.filter((r) => !r.ok && r.code === 'already_voted')).toHaveLength(49);
				else expect(results.filter((r) => r.ok && r.status === 'changed')).toHaveLength(49);
				expect(await t.db.select().from(pollBallots).where(eq(pollBallots.pollId, id))).toHaveLength(1);
				expect(await voteEngagements(t.db, fan, id)).toHaveLength(1);
			}
		} finally {
			await app.close();
		}
	});
});
