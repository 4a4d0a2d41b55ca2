// Webhook races on a real Postgres with separate connections (PGlite runs one transaction at a time).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type DatabaseHandle } from '$lib/server/db/connect';
import { seedEssentials } from '$lib/server/setup';
import { endPeriod } from '$lib/server/patronage/fake-stripe/api';
import { syncPrices } from '$lib/server/patronage/prices';
import { onPostgres } from './harness';
import {
	buy,
	checkout,
	deliver,
	effectsOf,
	newMember,
	stripeSays,
	tierOf,
	useFakeStripe
} from './patronage-stripe';

const h = useFakeStripe();

onPostgres('patronage webhook races', (t) => {
	// A second app instance: its own pool against the same database.
	let other: DatabaseHandle;
	beforeAll(async () => {
		await seedEssentials(t.db);
		await syncPrices(t.db, h.payments.stripe);
		other = await openPostgres(t.url);
	});
	afterAll(async () => {
		await other?.close();
	});

	it('the same event delivered 5 times concurrently has one effect', async () => {
		const member = await newMember(t.db);
		const { events } = await checkout(t.db, h, member);
		for (const event of events) {
			const results = await Promise.all(
				[t.db, other.db, t.db, other.db, t.db].map((db) => deliver(db, h, event))
			);
			expect(results.every((r) => r.status === 200)).toBe(true);
			expect(results.filter((r) => !r.body.duplicate)).toHaveLength(1);
		}
		const { points, changes, subs } = await effectsOf(t.db, member.id);
		expect(points.map((p) => p.points)).toEqual([15]);
		expect(changes.map((c) => c.kind)).toEqual(['started']);
		expect(subs).toHaveLength(1);
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: 3, rank: 3 });
	});

	it('all of a purchase’s events at once, on two instances, converge on one subscription', async () => {
		const member = await newMember(t.db);
		const { events } = await checkout(t.db, h, member);
		await Promise.all(events.map((e, i) => deliver(i % 2 ? other.db : t.db, h, e)));
		const { points, changes, subs } = await effectsOf(t.db, member.id);
		expect(subs).toMatchObject([{ status: 'active', grantedRank: 3 }]);
		expect(changes.map((c) => c.kind)).toEqual(['started']);
		expect(points).toHaveLength(1);
	});

	it('reordered lifecycle events delivered concurrently end where Stripe is', async () => {
		const member = await newMember(t.db);
		const { subscriptionId } = await buy(t.db, h, member);
		const failed = await endPeriod(h.fake, subscriptionId, false); // past_due
		const scheduled = await stripeSays(h, subscriptionId, { cancel_at_period_end: true });
		await h.payments.stripe.subscriptions.cancel(subscriptionId);
		const deleted = await stripeSays(h, subscriptionId, {}, 'customer.subscription.deleted');
		const all = [deleted, ...failed, scheduled].reverse();
		await Promise.all(all.map((e, i) => deliver(i % 2 ? other.db : t.db, h, e)));
		const { subs, changes } = await effectsOf(t.db, member.id);
		expect(subs[0]).toMatchObject({ status: 'canceled', grantedRank: null, mrrMinor: 0 });
		expect(changes.at(-1)).toMatchObject({ kind: 'ended', toRank: null, mrrAfterMinor: 0 });
		// MRR deltas always add up to what is left: nothing.
		expect(changes.reduce((sum, c) => sum + c.mrrDeltaMinor, 0)).toBe(0);
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: null, rank: 0 });
	});
});
