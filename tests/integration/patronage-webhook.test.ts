import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { inboxItems, stripeEvents, tierChanges } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { checkoutState, openPortal, startCheckout } from '$lib/server/patronage/checkout';
import { buildEvent, endPeriod, fakeId, portalUpdate } from '$lib/server/patronage/fake-stripe/api';
import { priceFor } from '$lib/server/patronage/prices';
import { syncPrices } from '$lib/server/patronage/prices';
import { runPatronageDueWork } from '$lib/server/patronage/subscriptions';
import { receiveStripeWebhook } from '$lib/server/patronage/webhook';
import { forEachDriver, unique } from './harness';
import {
	buy,
	checkout,
	deliver,
	deliverAll,
	effectsOf,
	eventRow,
	newMember,
	sign,
	stripeSays,
	tierOf,
	useFakeStripe
} from './patronage-stripe';

const DAY = 86_400_000;
const h = useFakeStripe();

forEachDriver('patronage webhooks', (t) => {
	beforeAll(async () => {
		await seedEssentials(t.db);
		await syncPrices(t.db, h.payments.stripe);
	});

	it('opens Checkout with the member as a customer created once, and idempotency keys on every creating call', async () => {
		const member = await newMember(t.db);
		const before = h.fake.requests.length;
		const attempt = unique('attempt');
		const choice = { rank: 3, interval: 'year' as const, attempt, origin: 'https://encore.example' };
		const first = await startCheckout(t.db, h.payments, member, choice);
		const again = await startCheckout(t.db, h.payments, member, choice);
		expect(first.kind).toBe('redirect');
		expect(again).toEqual(first); // the same form submitted twice: the same session
		const calls = h.fake.requests.slice(before).filter((r) => r.method === 'POST');
		const customers = calls.filter((r) => r.path === '/v1/customers');
		expect(customers).toHaveLength(1);
		expect(customers[0].idempotencyKey).toBe(`customer:${member.id}`);
		expect(customers[0].params).toMatchObject({ email: member.email, metadata: { member_id: member.id } });
		const sessions = calls.filter((r) => r.path === '/v1/checkout/sessions');
		expect(sessions).toHaveLength(2);
		expect(sessions[0].idempotencyKey).toMatch(new RegExp(`^checkout:${member.id}:price_\\w+:${attempt}$`));
		expect(sessions[1].idempotencyKey).toBe(sessions[0].idempotencyKey);
		expect(sessions[0].params).toMatchObject({
			mode: 'subscription',
			client_reference_id: member.id,
			line_items: [{ quantity: '1' }],
			success_url: 'https://encore.example/tiers/success?session_id={CHECKOUT_SESSION_ID}',
			cancel_url: 'https://encore.example/tiers?checkout=cancelled',
			metadata: { member_id: member.id, tier_rank: '3', interval: 'year' }
		});
		const price = await h.store.get(String((sessions[0].params.line_items as { price: string }[])[0].price));
		expect(price).toMatchObject({ unit_amount: 15000, currency: 'eur', lookup_key: 'encore_patron_year' });
	});

	it('grants the tier only when the webhook confirms, with the moment, the points and an MRR row', async () => {
		const member = await newMember(t.db);
		const { sessionId, events, subscriptionId } = await checkout(t.db, h, member, 3, 'month');
		// Back from Stripe but no webhook yet: nothing granted.
		expect(await checkoutState(t.db, member.id, sessionId)).toBe('pending');
		expect((await tierOf(t.db, member.id))?.rank ?? 0).toBe(0);

		await deliverAll(t.db, h, events);
		expect(await checkoutState(t.db, member.id, sessionId)).toBe('confirmed');
		const tier = await tierOf(t.db, member.id);
		expect(tier).toMatchObject({ paidRank: 3, rank: 3 });
		const periodEnd = (await effectsOf(t.db, member.id)).subs[0].currentPeriodEnd!;
		expect(tier.paidUntil!.getTime()).toBe(periodEnd.getTime() + DAY);
		const [change] = await t.db.select().from(tierChanges).where(eq(tierChanges.memberId, member.id));
		expect(change).toMatchObject({ fromRank: 0, toRank: 3, route: 'paid' });
		const moments = await t.db
			.select()
			.from(inboxItems)
			.where(and(eq(inboxItems.memberId, member.id), eq(inboxItems.kind, 'tier_up')));
		expect(moments.map((m) => m.title)).toEqual(['You reached Patron!']);
		const { points, changes, subs } = await effectsOf(t.db, member.id);
		expect(points.map((p) => p.points)).toEqual([15]);
		expect(subs).toMatchObject([
			{ id: subscriptionId, status: 'active', tierRank: 3, grantedRank: 3, mrrMinor: 1500 }
		]);
		expect(changes).toMatchObject([
			{
				kind: 'started',
				stripeSubscriptionId: subscriptionId,
				fromRank: null,
				toRank: 3,
				status: 'active',
				mrrBeforeMinor: 0,
				mrrAfterMinor: 1500,
				mrrDeltaMinor: 1500,
				currency: 'eur'
			}
		]);
		expect(changes[0].stripeEventId).toMatch(/^evt_/);
	});

	it('yearly plans count a twelfth of the price as MRR', async () => {
		const member = await newMember(t.db);
		await buy(t.db, h, member, 2, 'year');
		const { changes, points } = await effectsOf(t.db, member.id);
		expect(changes).toMatchObject([{ kind: 'started', toRank: 2, mrrAfterMinor: 417, mrrDeltaMinor: 417 }]);
		expect(points.map((p) => p.points)).toEqual([50]);
	});

	it('records the money of each paid invoice once, and refunds as negative rows of what was newly refunded', async () => {
		const member = await newMember(t.db);
		const { events, subscriptionId } = await checkout(t.db, h, member, 3, 'month');
		await deliverAll(t.db, h, events);
		await deliverAll(t.db, h, events); // redelivered: still one payment
		const paid = (await effectsOf(t.db, member.id)).payments;
		expect(paid).toMatchObject([
			{
				kind: 'payment',
				amountMinor: 1500,
				currency: 'eur',
				tierRank: 3,
				stripeSubscriptionId: subscriptionId
			}
		]);
		const sub = (await h.store.get(subscriptionId))!;
		const charge = {
			id: fakeId('ch'),
			object: 'charge',
			customer: sub.customer,
			amount: 1500,
			currency: 'eur'
		};
		const refunded = (amount: number) =>
			buildEvent('charge.refunded', { ...charge, amount_refunded: amount }, new Date());
		await deliver(t.db, h, refunded(500));
		await deliver(t.db, h, refunded(1500));
		const money = (await effectsOf(t.db, member.id)).payments;
		expect(money.map((p) => [p.kind, p.amountMinor])).toEqual([
			['payment', 1500],
			['refund', -500],
			['refund', -1000]
		]);
		expect(money.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(0);
	});

	it('processes an event delivered twice once', async () => {
		const member = await newMember(t.db);
		const { events } = await checkout(t.db, h, member);
		for (const e of events) {
			expect((await deliver(t.db, h, e)).body).toEqual({ received: true });
			expect((await deliver(t.db, h, e)).body).toEqual({ received: true, duplicate: true });
		}
		const { points, changes } = await effectsOf(t.db, member.id);
		expect(points).toHaveLength(1);
		expect(changes).toHaveLength(1);
	});

	it('refuses a bad or missing signature with 400 and changes nothing', async () => {
		const member = await newMember(t.db);
		const { events } = await checkout(t.db, h, member);
		const event = events[0];
		const payload = JSON.stringify(event);
		const header = sign(h, payload);
		const tampered = payload.replace('"active"', '"activf"');
		const reserialised = JSON.stringify(JSON.parse(payload), null, 2);
		const stale = sign(h, payload, Math.floor(Date.now() / 1000) - 600);
		const wrongSecret = h.payments.stripe.webhooks.generateTestHeaderString({
			payload,
			secret: 'whsec_other'
		});
		for (const [body, sig] of [
			[tampered, header],
			[reserialised, header],
			[payload, null],
			[payload, stale],
			[payload, wrongSecret],
			[payload, 't=1,v1=nonsense']
		] as const) {
			const result = await receiveStripeWebhook(t.db, h.payments, body, sig);
			expect(result.status).toBe(400);
		}
		expect(await eventRow(t.db, event.id)).toBeUndefined();
		expect((await effectsOf(t.db, member.id)).subs).toEqual([]);
		// The genuine delivery still works afterwards.
		expect((await receiveStripeWebhook(t.db, h.payments, payload, header)).status).toBe(200);
	});

	it('answers 200 to event types it does not handle', async () => {
		const event = buildEvent('customer.created', { id: fakeId('cus'), object: 'customer' }, new Date());
		expect(await deliver(t.db, h, event)).toEqual({ status: 200, body: { received: true, ignored: true } });
	});

	it('keeps a cancelled subscription cancelled when an older "active" update arrives after the deletion', async () => {
		const member = await newMember(t.db);
		const { subscriptionId } = await buy(t.db, h, member);
		const staleActive = await stripeSays(h, subscriptionId, {}); // an update sent while it was active
		await h.payments.stripe.subscriptions.cancel(subscriptionId);
		const deleted = buildEvent(
			'customer.subscription.deleted',
			(await h.store.get(subscriptionId))!,
			new Date()
		);
		await deliverAll(t.db, h, [deleted, staleActive]);
		const { subs, changes } = await effectsOf(t.db, member.id);
		expect(subs[0]).toMatchObject({ status: 'canceled', grantedRank: null, mrrMinor: 0 });
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: null, rank: 0 });
		expect(changes.map((c) => [c.kind, c.mrrDeltaMinor])).toEqual([
			['started', 1500],
			['ended', -1500]
		]);
	});

	it('never lets an older read of a subscription overwrite a newer one', async () => {
		const member = await newMember(t.db);
		const { subscriptionId, events } = await checkout(t.db, h, member);
		// Stripe moved on (cancellation scheduled) before the first events were processed.
		const update = await stripeSays(h, subscriptionId, { cancel_at_period_end: true });
		await deliverAll(t.db, h, [update, ...events]);
		const { subs } = await effectsOf(t.db, member.id);
		expect(subs[0]).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, grantedRank: 3 });
	});

	it('gives access by status: the full matrix', async () => {
		const expected: Record<string, number | null> = {
			active: 3,
			trialing: 3,
			past_due: 3,
			incomplete: null,
			unpaid: null,
			paused: null,
			incomplete_expired: null,
			canceled: null
		};
		for (const [status, paidRank] of Object.entries(expected)) {
			const member = await newMember(t.db);
			const { subscriptionId } = await buy(t.db, h, member);
			await deliver(t.db, h, await stripeSays(h, subscriptionId, { status }));
			const tier = await tierOf(t.db, member.id);
			expect({ status, paidRank: tier.paidRank, rank: tier.rank }).toEqual({
				status,
				paidRank,
				rank: paidRank ?? 0
			});
		}
	});

	it('keeps a past_due patron for the grace period, then lets the tier lapse', async () => {
		const member = await newMember(t.db);
		const { subscriptionId } = await buy(t.db, h, member);
		const failed = await endPeriod(h.fake, subscriptionId, false);
		expect(failed.map((e) => e.type)).toEqual(['invoice.payment_failed', 'customer.subscription.updated']);
		await deliverAll(t.db, h, failed);
		const tier = await tierOf(t.db, member.id);
		expect(tier.rank).toBe(3);
		const { subs } = await effectsOf(t.db, member.id);
		expect(tier.paidUntil!.getTime()).toBe(subs[0].pastDueSince!.getTime() + 7 * DAY);

		// The due work does nothing before the grace ends, and ends the tier after.
		expect(await runPatronageDueWork(t.db, new Date(Date.now() + 6 * DAY), 7)).toBe(0);
		const lapsed = await runPatronageDueWork(t.db, new Date(Date.now() + 8 * DAY), 7);
		expect(lapsed).toBeGreaterThanOrEqual(1);
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: null, rank: 0 });
		const { changes } = await effectsOf(t.db, member.id);
		expect(changes.map((c) => c.kind)).toEqual(['started', 'past_due', 'ended']);
		expect(changes[2]).toMatchObject({
			mrrBeforeMinor: 1500,
			mrrAfterMinor: 0,
			mrrDeltaMinor: -1500,
			stripeEventId: null
		});
	});

	it('processes a delivery that failed half-way again on redelivery, once', async () => {
		const member = await newMember(t.db);
		const { events } = await checkout(t.db, h, member);
		const paid = events.find((e) => e.type === 'invoice.paid')!;
		await deliverAll(
			t.db,
			h,
			events.filter((e) => e !== paid)
		);
		await expect(
			deliver(t.db, h, paid, {
				beforeCommit: async () => {
					throw new Error('database went away');
				}
			})
		).rejects.toThrow('database went away');
		expect(await eventRow(t.db, paid.id)).toBeUndefined();
		expect((await effectsOf(t.db, member.id)).points).toHaveLength(0);
		expect((await deliver(t.db, h, paid)).body).toEqual({ received: true });
		expect((await deliver(t.db, h, paid)).body).toEqual({ received: true, duplicate: true });
		expect((await effectsOf(t.db, member.id)).points.map((p) => p.points)).toEqual([15]);
	});

	it('ends access and the subscription on a dispute', async () => {
		const member = await newMember(t.db);
		const { subscriptionId } = await buy(t.db, h, member);
		const sub = (await h.store.get(subscriptionId))!;
		const charge = { id: fakeId('ch'), object: 'charge', customer: sub.customer, amount: 1500 };
		await h.store.put(charge);
		const dispute = buildEvent(
			'charge.dispute.created',
			{ id: fakeId('dp'), object: 'dispute', charge: charge.id },
			new Date()
		);
		await deliver(t.db, h, dispute);
		expect((await h.store.get(subscriptionId))!.status).toBe('canceled');
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: null, rank: 0 });
	});

	it('opens the Customer Portal for the member’s customer', async () => {
		const member = await newMember(t.db);
		expect(
			await openPortal(t.db, h.payments, member.id, { attempt: 'a', origin: 'https://e.example' })
		).toBeNull();
		await buy(t.db, h, member);
		const before = h.fake.requests.length;
		const url = await openPortal(t.db, h.payments, member.id, { attempt: 'b1', origin: 'https://e.example' });
		expect(url).toMatch(/^https:\/\/billing\.stripe\.test\//);
		const [call] = h.fake.requests.slice(before);
		expect(call).toMatchObject({
			method: 'POST',
			path: '/v1/billing_portal/sessions',
			idempotencyKey: `portal:${member.id}:b1`,
			params: { return_url: 'https://e.example/account/billing' }
		});
		expect(String(call.params.customer)).toMatch(/^cus_/);
		// Already a patron: Checkout sends them to the portal instead of a second subscription.
		const again = await startCheckout(t.db, h.payments, member, {
			rank: 4,
			interval: 'month',
			attempt: 'x',
			origin: 'https://e.example'
		});
		expect(again.kind).toBe('already_patron');
	});

	it('upgrades at once and downgrades at the end of the period, each with its MRR delta', async () => {
		const member = await newMember(t.db);
		const { subscriptionId } = await buy(t.db, h, member, 2, 'month'); // Supporter: 5 €
		const patron = (await priceFor(t.db, 3, 'month'))!;
		await deliverAll(t.db, h, await portalUpdate(h.fake, subscriptionId, { priceId: patron.stripePriceId }));
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: 3, rank: 3 });
		const supporter = (await priceFor(t.db, 2, 'year'))!;
		await deliverAll(
			t.db,
			h,
			await portalUpdate(h.fake, subscriptionId, { priceId: supporter.stripePriceId })
		);
		expect((await tierOf(t.db, member.id)).rank).toBe(3); // still Patron until the period ends
		await deliverAll(t.db, h, await endPeriod(h.fake, subscriptionId, true));
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: 2, rank: 2 });
		const { changes, points } = await effectsOf(t.db, member.id);
		expect(changes.map((c) => [c.kind, c.fromRank, c.toRank, c.mrrDeltaMinor])).toEqual([
			['started', null, 2, 500],
			['upgraded', 2, 3, 1000],
			['downgraded', 3, 2, 417 - 1500]
		]);
		expect(points.map((p) => p.points).sort((a, b) => a - b)).toEqual([5, 50]);
	});

	it('counts the stripe_events rows of processed events only', async () => {
		const rows = await t.db.select().from(stripeEvents);
		expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
	});
});
