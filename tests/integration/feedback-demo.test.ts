// The demo history includes feedback with plausible shapes: higher satisfaction in higher tiers,
// some detractors with comments, cancellation reasons.
import { expect, it } from 'vitest';
import { seedEssentials } from '$lib/server/setup';
import { generateHistory } from '$lib/server/demo/history';
import { listComments, scoresByTier } from '$lib/server/feedback';
import { forEachDriver } from './harness';

forEachDriver('demo feedback', (t) => {
	it('is there, and satisfaction rises with the tier', async () => {
		await seedEssentials(t.db);
		await generateHistory(t.db, { members: 300, seed: 3, now: new Date('2026-12-01T12:00:00Z') });
		const byTier = (await scoresByTier(t.db)).filter((r) => r.satisfactionResponses >= 5);
		expect(byTier.length).toBeGreaterThan(1);
		expect(byTier[byTier.length - 1].satisfaction!).toBeGreaterThan(byTier[0].satisfaction!);
		const low = await listComments(t.db, { mood: 'low' });
		expect(low.total).toBeGreaterThan(0);
	});
});
