// Shared by the patronage integration tests: the real `stripe` client pointed at a local fake
// Stripe (a real HTTP server), members, purchases and signed webhook deliveries.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import type { Database } from '$lib/server/db';
import {
	engagements,
	memberTiers,
	patronSubscriptions,
	payments,
	stripeEvents,
	subscriptionEvents
} from '$lib/server/db/schema';
import { startCheckout } from '$lib/server/patronage/checkout';
import {
	buildEvent,
	completeCheckout,
	createFakeStripe,
	type FakeEvent
} from '$lib/server/patronage/fake-stripe/api';
import { startFakeStripeServer, type RunningFake } from '$lib/server/patronage/fake-stripe/server';
import { memoryStore, type StripeObject } from '$lib/server/patronage/fake-stripe/store';
import { createStripeClient, type Payments } from '$lib/server/patronage/payments';
import { receiveStripeWebhook, type ProcessOptions } from '$lib/server/patronage/webhook';
import { uniqueEmail, unique } from './harness';

export const WEBHOOK_SECRET = 'whsec_test_secret';

export interface StripeHarness {
	fake: ReturnType<typeof createFakeStripe>;
	store: ReturnType<typeof memoryStore>;
	readonly payments: Payments;
}

/** A fake Stripe on a local port for the whole test file. */
export function useFakeStripe(): StripeHarness {
	const store = memoryStore();
	const fake = createFakeStripe({ store });
	let server: RunningFake | undefined;
	let payments: Payments | undefined;
	beforeAll(async () => {
		server = await startFakeStripeServer(fake);
		payments = {
			mode: 'stripe',
			stripe: createStripeClient('sk_test_encore', {
				host: server.host,
				port: server.port,
				protocol: 'http'
			}),
			webhookSecret: WEBHOOK_SECRET,
			graceDays: 7
		};
	});
	afterAll(async () => {
		await server?.close();
	});
	return {
		fake,
		store,
		get payments() {
			if (!payments) throw new Error('fake Stripe not started');
			return payments;
		}
	};
}

export async function newMember(db: Database) {
	const user = await insertUser(db, {
		email: uniqueEmail('patron'),
		displayName: 'Pat Ron',
		passwordHash: 'x'
	});
	return user!;
}

export function sign(h: StripeHarness, payload: string, timestamp?: number): string {
	return h.payments.stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp });
}

export function deliver(db: Database, h: StripeHarness, event: FakeEvent, options?: ProcessOptions) {
	const payload = JSON.stringify(event);
	return receiveStripeWebhook(db, h.payments, payload, sign(h, payload), options);
}

export async function deliverAll(db: Database, h: StripeHarness, events: FakeEvent[]) {
	for (const e of events) {
		const result = await deliver(db, h, e);
		if (result.status !== 200) throw new Error(`delivery failed: ${JSON.stringify(result.body)}`);
	}
}

/** Checkout through the app, Stripe's side of completing it, and the events (not yet delivered). */
export async function checkout(
	db: Database,
	h: StripeHarness,
	member: { id: string; email: string; displayName: string },
	rank = 3,
	interval: 'month' | 'year' = 'month'
) {
	const start = await startCheckout(db, h.payments, member, {
		rank,
		interval,
		attempt: unique('attempt'),
		origin: 'http://localhost:4181'
	});
	if (start.kind !== 'redirect') throw new Error(`checkout did not start: ${start.kind}`);
	const sessionId = start.url.split('/').pop()!;
	const events = await completeCheckout(h.fake, sessionId);
	const subscriptionId = String((events[0].data.object as StripeObject).id);
	return { sessionId, events, subscriptionId };
}

export async function buy(
	db: Database,
	h: StripeHarness,
	member: { id: string; email: string; displayName: string },
	rank = 3,
	interval: 'month' | 'year' = 'month'
) {
	const bought = await checkout(db, h, member, rank, interval);
	await deliverAll(db, h, bought.events);
	return bought;
}

/** Changes the subscription in the fake (as Stripe would) and returns an event carrying it. */
export async function stripeSays(
	h: StripeHarness,
	subscriptionId: string,
	change: Record<string, unknown>,
	type = 'customer.subscription.updated'
) {
	const sub = (await h.store.get(subscriptionId))!;
	Object.assign(sub, change);
	await h.store.put(sub);
	return buildEvent(type, sub, new Date());
}

export async function tierOf(db: Database, memberId: string) {
	const [row] = await db.select().from(memberTiers).where(eq(memberTiers.memberId, memberId));
	return row;
}

export async function effectsOf(db: Database, memberId: string) {
	const [points, changes, subs, money] = await Promise.all([
		db.select().from(engagements).where(eq(engagements.memberId, memberId)),
		db.select().from(subscriptionEvents).where(eq(subscriptionEvents.memberId, memberId)),
		db.select().from(patronSubscriptions).where(eq(patronSubscriptions.memberId, memberId)),
		db.select().from(payments).where(eq(payments.memberId, memberId)).orderBy(payments.id)
	]);
	return { points: points.filter((p) => p.kind === 'patronage'), changes, subs, payments: money };
}

export async function eventRow(db: Database, id: string) {
	const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id));
	return row;
}
