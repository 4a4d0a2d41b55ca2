// Paid tiers as Stripe products and prices, created or updated idempotently: a product per tier
// with a stable id, and a price per interval found again by its lookup key. Prices cannot change
// amount in Stripe, so a new amount makes a new price that takes the lookup key over.
import { and, asc, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Queryable } from '../db';
import { stripePrices, tiers, type BillingInterval, type StripePriceRow } from '../db/schema';

export const lookupKeyFor = (slug: string, interval: BillingInterval) => `encore_${slug}_${interval}`;
export const productIdFor = (slug: string) => `encore_tier_${slug}`;

export interface PriceSyncLine {
	lookupKey: string;
	action: 'created' | 'unchanged' | 'replaced';
	priceId: string;
}

export async function syncPrices(db: Database, stripe: Stripe): Promise<PriceSyncLine[]> {
	const ladder = await db.select().from(tiers).orderBy(asc(tiers.rank));
	const lines: PriceSyncLine[] = [];
	for (const tier of ladder) {
		const wanted = (
			[
				['month', tier.monthlyPriceMinor],
				['year', tier.yearlyPriceMinor]
			] as const
		).filter(([, amount]) => amount !== null) as [BillingInterval, number][];
		if (wanted.length === 0) continue;
		const productId = productIdFor(tier.slug);
		const name = `${tier.paidName ?? tier.name} (${tier.name} tier)`;
		await ensureProduct(stripe, productId, name, tier.rank);
		const keys = wanted.map(([interval]) => lookupKeyFor(tier.slug, interval));
		const existing = await stripe.prices.list({ lookup_keys: keys, active: true, limit: 10 });
		for (const [interval, amount] of wanted) {
			const lookupKey = lookupKeyFor(tier.slug, interval);
			const found = existing.data.find((p) => p.lookup_key === lookupKey);
			let price = found;
			let action: PriceSyncLine['action'] = 'unchanged';
			if (!found || found.unit_amount !== amount || found.currency !== tier.currency) {
				price = await stripe.prices.create(
					{
						product: productId,
						currency: tier.currency,
						unit_amount: amount,
						recurring: { interval },
						lookup_key: lookupKey,
						transfer_lookup_key: true,
						metadata: { tier_rank: String(tier.rank), tier_slug: tier.slug }
					},
					// Retrying this very step reuses the key; moving on from another price (or back) makes a new one.
					{ idempotencyKey: `price-sync:${lookupKey}:${amount}:${tier.currency}:${found?.id ?? 'new'}` }
				);
				action = found ? 'replaced' : 'created';
				// The old amount stays valid for existing subscribers; it just cannot be bought any more.
				if (found) await stripe.prices.update(found.id, { active: false });
			}
			await storePrice(db, {
				lookupKey,
				tierId: tier.id,
				interval,
				amountMinor: amount,
				currency: tier.currency,
				stripeProductId: productId,
				stripePriceId: price!.id
			});
			lines.push({ lookupKey, action, priceId: price!.id });
		}
	}
	return lines;
}

async function ensureProduct(stripe: Stripe, id: string, name: string, rank: number): Promise<void> {
	try {
		const product = await stripe.products.retrieve(id);
		if (product.name !== name) await stripe.products.update(id, { name });
	} catch (err) {
		if ((err as { code?: string }).code !== 'resource_missing') throw err;
		await stripe.products.create(
			{ id, name, metadata: { tier_rank: String(rank) } },
			{ idempotencyKey: `product-sync:${id}` }
		);
	}
}

async function storePrice(db: Queryable, row: Omit<StripePriceRow, 'syncedAt'>): Promise<void> {
	const set = { ...row, syncedAt: new Date() };
	await db.insert(stripePrices).values(set).onConflictDoUpdate({ target: stripePrices.lookupKey, set });
}

export function listPrices(db: Queryable): Promise<StripePriceRow[]> {
	return db.select().from(stripePrices);
}

/** The price to sell a tier at, if it is synced with Stripe at the tier's current amount. */
export async function priceFor(
	db: Queryable,
	tierRank: number,
	interval: BillingInterval
): Promise<(StripePriceRow & { tierName: string }) | null> {
	const [row] = await db
		.select({ price: stripePrices, tier: tiers })
		.from(stripePrices)
		.innerJoin(tiers, eq(tiers.id, stripePrices.tierId))
		.where(and(eq(tiers.rank, tierRank), eq(stripePrices.interval, interval)));
	if (!row) return null;
	const amount = interval === 'year' ? row.tier.yearlyPriceMinor : row.tier.monthlyPriceMinor;
	if (amount !== row.price.amountMinor || row.tier.currency !== row.price.currency) return null;
	return { ...row.price, tierName: row.tier.name };
}

/** Each tier's list prices (minor units), as staff set them on the ladder. */
export function tierPrices(
	db: Queryable
): Promise<{ rank: number; monthly: number | null; yearly: number | null; currency: string }[]> {
	return db
		.select({
			rank: tiers.rank,
			monthly: tiers.monthlyPriceMinor,
			yearly: tiers.yearlyPriceMinor,
			currency: tiers.currency
		})
		.from(tiers);
}
