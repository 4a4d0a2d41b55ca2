import { describe, expect, it } from 'vitest';
import { parseStripeForm } from '$lib/server/patronage/fake-stripe/server';
import { assertDemoAllowed } from '$lib/server/patronage/payments';
import { lookupKeyFor, productIdFor } from '$lib/server/patronage/prices';

describe('demo payments guard', () => {
	it('refuses demo payments in production with a live key, and allows every other case', () => {
		expect(() => assertDemoAllowed({ production: true, secretKey: 'sk_live_123', demo: true })).toThrow(
			/refuse to run in production/
		);
		expect(() => assertDemoAllowed({ production: true, secretKey: '', demo: true })).not.toThrow();
		expect(() =>
			assertDemoAllowed({ production: false, secretKey: 'sk_live_123', demo: true })
		).not.toThrow();
		expect(() =>
			assertDemoAllowed({ production: true, secretKey: 'sk_live_123', demo: false })
		).not.toThrow();
	});
});

describe('the fake Stripe reads Stripe’s form encoding', () => {
	it('nests brackets into objects and indexed or empty brackets into arrays', () => {
		const body = new URLSearchParams([
			['mode', 'subscription'],
			['line_items[0][price]', 'price_1'],
			['line_items[0][quantity]', '1'],
			['metadata[member_id]', 'm1'],
			['subscription_data[metadata][tier_rank]', '3'],
			['lookup_keys[]', 'a'],
			['lookup_keys[]', 'b']
		]).toString();
		expect(parseStripeForm(body)).toEqual({
			mode: 'subscription',
			line_items: [{ price: 'price_1', quantity: '1' }],
			metadata: { member_id: 'm1' },
			subscription_data: { metadata: { tier_rank: '3' } },
			lookup_keys: ['a', 'b']
		});
	});
});

describe('price identities', () => {
	it('are stable per tier and interval', () => {
		expect(lookupKeyFor('patron', 'month')).toBe('encore_patron_month');
		expect(productIdFor('inner-circle')).toBe('encore_tier_inner-circle');
	});
});
