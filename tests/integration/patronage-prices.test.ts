import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { stripePrices, tiers } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { priceFor, syncPrices } from '$lib/server/patronage/prices';
import { forEachDriver } from './harness';
import { useFakeStripe } from './patronage-stripe';

forEachDriver('patronage price sync', (t) => {
	const h = useFakeStripe(); // a Stripe account of its own for each driver
	beforeAll(async () => {
		await seedEssentials(t.db);
	});

	it('creates products and prices by lookup key once, then finds them again', async () => {
		const before = h.fake.requests.length;
		const first = await syncPrices(t.db, h.payments.stripe);
		expect(first.map((l) => [l.lookupKey, l.action])).toEqual([
			['encore_insider_month', 'created'],
			['encore_insider_year', 'created'],
			['encore_patron_month', 'created'],
			['encore_patron_year', 'created'],
			['encore_inner-circle_month', 'created'],
			['encore_inner-circle_year', 'created']
		]);
		const creates = h.fake.requests.slice(before).filter((r) => r.method === 'POST');
		expect(
			creates.filter((r) => r.path === '/v1/products').map((r) => [r.params.id, r.idempotencyKey])
		).toEqual([
			['encore_tier_insider', 'product-sync:encore_tier_insider'],
			['encore_tier_patron', 'product-sync:encore_tier_patron'],
			['encore_tier_inner-circle', 'product-sync:encore_tier_inner-circle']
		]);
		const patronMonth = creates.find(
			(r) => r.path === '/v1/prices' && r.params.lookup_key === 'encore_patron_month'
		);
		expect(patronMonth).toMatchObject({
			idempotencyKey: 'price-sync:encore_patron_month:1500:eur:new',
			params: {
				unit_amount: '1500',
				currency: 'eur',
				recurring: { interval: 'month' },
				product: 'encore_tier_patron'
			}
		});

		const again = await syncPrices(t.db, h.payments.stripe);
		expect(again.every((l) => l.action === 'unchanged')).toBe(true);
		expect(again.map((l) => l.priceId)).toEqual(first.map((l) => l.priceId));
		expect(await t.db.select().from(stripePrices)).toHaveLength(6);
	});

	it('replaces a price whose amount changed and only sells the current one', async () => {
		await syncPrices(t.db, h.payments.stripe);
		const old = await priceFor(t.db, 3, 'month');
		await t.db.update(tiers).set({ monthlyPriceMinor: 1800 }).where(eq(tiers.rank, 3));
		expect(await priceFor(t.db, 3, 'month')).toBeNull(); // not synced at the new amount yet
		const lines = await syncPrices(t.db, h.payments.stripe);
		expect(lines.find((l) => l.lookupKey === 'encore_patron_month')?.action).toBe('replaced');
		const current = await priceFor(t.db, 3, 'month');
		expect(current).toMatchObject({ amountMinor: 1800, tierName: 'Patron' });
		expect(current!.stripePriceId).not.toBe(old!.stripePriceId);
		expect((await h.store.get(old!.stripePriceId))?.active).toBe(false);
		// And back: a new price again (Stripe's idempotency cache must not answer with the old one).
		await t.db.update(tiers).set({ monthlyPriceMinor: 1500 }).where(eq(tiers.rank, 3));
		await syncPrices(t.db, h.payments.stripe);
		const back = await priceFor(t.db, 3, 'month');
		expect(back).toMatchObject({ amountMinor: 1500 });
		expect([old!.stripePriceId, current!.stripePriceId]).not.toContain(back!.stripePriceId);
		expect((await h.store.get(back!.stripePriceId))?.active).toBe(true);
	});
});
