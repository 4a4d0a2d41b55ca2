import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { engagements, ideaSupports, ideas, inboxItems } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import {
	IDEA_LIMIT,
	listIdeasFor,
	setIdeaStatus,
	setSupport,
	submitIdea,
	takeIdeaIntoPoll
} from '$lib/server/ideas/store';
import { getPoll } from '$lib/server/polls/store';
import { forEachDriver } from './harness';
import { HOUR, newMembers, newPoll } from './polls-fixtures';

forEachDriver('ideas', (t) => {
	it('submits an idea with an idea_submitted engagement; refuses bad lengths and writes nothing', async () => {
		await seedEssentials(t.db);
		const [fan] = await newMembers(t.db, 1);
		const bad = await submitIdea(t.db, fan, { title: 'no', body: '' });
		expect(bad).toEqual({ ok: false, errors: { title: expect.stringContaining('at least 5') } });
		const good = await submitIdea(t.db, fan, { title: 'A livestream from the depot', body: 'Please!' });
		if (!good.ok) throw new Error('expected ok');
		expect(await t.db.select().from(ideas).where(eq(ideas.memberId, fan))).toHaveLength(1);
		const [entry] = await t.db
			.select()
			.from(engagements)
			.where(and(eq(engagements.memberId, fan), eq(engagements.object, `idea:${good.id}`)));
		expect(entry).toMatchObject({ kind: 'idea_submitted', points: 15 });
	});

	it('rate-limits submissions per member per day', async () => {
		const [fan] = await newMembers(t.db, 1);
		const at = new Date('2026-06-01T10:00:00Z');
		for (let i = 0; i < IDEA_LIMIT.max; i++)
			expect((await submitIdea(t.db, fan, { title: `Idea number ${i}`, body: '' }, at)).ok).toBe(true);
		const over = await submitIdea(t.db, fan, { title: 'One idea too many', body: '' }, at);
		expect(over).toMatchObject({ ok: false, errors: { form: expect.stringContaining('Too many attempts') } });
		expect(await t.db.select().from(ideas).where(eq(ideas.memberId, fan))).toHaveLength(IDEA_LIMIT.max);
	});

	it('counts one support per member, never for one’s own idea', async () => {
		const [author, fan] = await newMembers(t.db, 2);
		const r = await submitIdea(t.db, author, { title: 'Songwriting workshop', body: '' });
		if (!r.ok) throw new Error('expected ok');
		expect(await setSupport(t.db, r.id, author, true)).toMatchObject({ ok: false });
		await setSupport(t.db, r.id, fan, true);
		await setSupport(t.db, r.id, fan, true);
		expect(await t.db.select().from(ideaSupports).where(eq(ideaSupports.ideaId, r.id))).toHaveLength(1);
		const seen = (await listIdeasFor(t.db, fan)).find((i) => i.id === r.id)!;
		expect(seen).toMatchObject({ supporters: 1, supported: true });
		await setSupport(t.db, r.id, fan, false);
		expect((await listIdeasFor(t.db, fan)).find((i) => i.id === r.id)!.supporters).toBe(0);
	});

	it('declines only with a reason, hides declined ideas from others, and tells the author', async () => {
		const [staff, author, other] = await newMembers(t.db, 3);
		const r = await submitIdea(t.db, author, { title: 'Matinee shows', body: '' });
		if (!r.ok) throw new Error('expected ok');
		expect(await setIdeaStatus(t.db, r.id, 'declined', '', staff)).toMatchObject({
			ok: false,
			errors: { reason: expect.any(String) }
		});
		expect(await setIdeaStatus(t.db, r.id, 'declined', 'No daytime slots this year.', staff)).toEqual({
			ok: true
		});
		expect((await listIdeasFor(t.db, other)).some((i) => i.id === r.id)).toBe(false);
		expect((await listIdeasFor(t.db, author)).find((i) => i.id === r.id)).toMatchObject({
			status: 'declined',
			declineReason: 'No daytime slots this year.'
		});
		const inbox = await t.db.select().from(inboxItems).where(eq(inboxItems.memberId, author));
		expect(inbox.map((i) => i.kind)).toContain('idea_status');
	});

	it('takes an idea into a poll in one step, not into a closed one', async () => {
		const [staff, author] = await newMembers(t.db, 2);
		const r = await submitIdea(t.db, author, { title: 'Vinyl with the demos', body: '' });
		if (!r.ok) throw new Error('expected ok');
		const open = await newPoll(t.db, staff);
		const closed = await newPoll(t.db, staff, {
			opensAt: new Date(Date.now() - 5 * HOUR),
			closesAt: new Date(Date.now() - HOUR)
		});
		expect(await takeIdeaIntoPoll(t.db, r.id, closed.id, '', staff)).toMatchObject({
			ok: false,
			errors: { pollId: 'That poll has closed.' }
		});
		expect(await takeIdeaIntoPoll(t.db, r.id, open.id, 'Demo vinyl', staff)).toEqual({ ok: true });
		const poll = (await getPoll(t.db, open.id))!;
		expect(poll.options.at(-1)).toMatchObject({ label: 'Demo vinyl', ideaId: r.id, position: 3 });
		const [idea] = await t.db.select().from(ideas).where(eq(ideas.id, r.id));
		expect(idea).toMatchObject({ status: 'in_poll', pollId: open.id });
	});
});
