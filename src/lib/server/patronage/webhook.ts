// Stripe webhooks: verified on the raw body, each event id processed once in the same
// transaction as its effects. Events may come twice, concurrently or out of order, so the handler
// never trusts the payload's copy of a subscription: it reads the subscription from Stripe again
// (outside the transaction, so no lock waits on the network) and stores it only if no later read
// was stored already.
import { and, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { audit } from '../audit';
import type { Database, Transaction } from '../db';
import {
	checkoutSessions,
	patronSubscriptions,
	payments as paymentsTable,
	stripeCustomers,
	stripeEvents
} from '../db/schema';
import { log } from '../log';
import { recordEngagement } from '../loyalty';
import { wholeUnits } from './access';
import type { Payments } from './payments';
import { applySnapshot, liveSubscriptions, memberForCustomer, type Snapshot } from './subscriptions';

export const HANDLED_EVENTS = [
	'checkout.session.completed',
	'customer.subscription.created',
	'customer.subscription.updated',
	'customer.subscription.deleted',
	'customer.subscription.paused',
	'customer.subscription.resumed',
	'invoice.paid',
	'invoice.payment_failed',
	'charge.refunded',
	'charge.dispute.created'
] as const;

export interface WebhookResult {
	status: 200 | 400;
	body: { received: boolean; duplicate?: boolean; ignored?: boolean; error?: string };
}

export interface ProcessOptions {
	now?: Date;
	/** Tests: runs inside the transaction after the effects, e.g. to fail half-way. */
	beforeCommit?: (tx: Transaction) => Promise<void>;
}

/** The endpoint's whole job, shared by POST /api/stripe/webhook and demo payments. */
export async function receiveStripeWebhook(
	db: Database,
	payments: Payments,
	rawBody: string,
	signature: string | null,
	options: ProcessOptions = {}
): Promise<WebhookResult> {
	if (!signature)
		return { status: 400, body: { received: false, error: 'Missing Stripe-Signature header.' } };
	if (!payments.webhookSecret)
		return { status: 400, body: { received: false, error: 'No webhook secret is configured.' } };
	let event: Stripe.Event;
	try {
		event = payments.stripe.webhooks.constructEvent(rawBody, signature, payments.webhookSecret);
	} catch {
		return { status: 400, body: { received: false, error: 'Invalid signature.' } };
	}
	return { status: 200, body: await processStripeEvent(db, payments, event, options) };
}

type Outcome = WebhookResult['body'];

export async function processStripeEvent(
	db: Database,
	payments: Payments,
	event: Stripe.Event,
	options: ProcessOptions = {}
): Promise<Outcome> {
	if (!(HANDLED_EVENTS as readonly string[]).includes(event.type)) return { received: true, ignored: true };
	const [seen] = await db
		.select({ id: stripeEvents.id })
		.from(stripeEvents)
		.where(eq(stripeEvents.id, event.id));
	if (seen) return { received: true, duplicate: true };

	const plan = await readFromStripe(db, payments, event);
	const now = options.now ?? new Date();
	const ctx = {
		graceDays: payments.graceDays,
		now,
		occurredAt: new Date(event.created * 1000),
		stripeEventId: event.id
	};
	let duplicate = false;
	await db.transaction(async (tx) => {
		// The event's row and its effects commit together: a concurrent delivery waits on this
		// key and then finds it taken; a failure rolls both back and the redelivery starts clean.
		const [fresh] = await tx
			.insert(stripeEvents)
			.values({ id: event.id, type: event.type, createdAt: ctx.occurredAt, livemode: event.livemode })
			.onConflictDoNothing()
			.returning({ id: stripeEvents.id });
		if (!fresh) {
			duplicate = true;
			return;
		}
		if (plan.customer && plan.memberId) {
			await tx
				.insert(stripeCustomers)
				.values({ memberId: plan.memberId, stripeCustomerId: plan.customer })
				.onConflictDoNothing();
		}
		for (const snapshot of plan.snapshots)
			await applySnapshot(tx, snapshot, plan.memberId, { ...ctx, disputed: plan.disputed });
		if (event.type === 'checkout.session.completed') {
			const session = event.data.object;
			await tx
				.update(checkoutSessions)
				.set({ completedAt: now, stripeSubscriptionId: plan.snapshots[0]?.subscription.id ?? null })
				.where(eq(checkoutSessions.id, session.id));
		}
		if (event.type === 'invoice.paid') {
			await recordPayment(tx, event, plan);
			await recordPatronagePoints(tx, event.data.object, plan.memberId);
		}
		if (event.type === 'charge.refunded') await recordRefund(tx, event, plan.memberId);
		if (event.type === 'charge.refunded' || event.type === 'charge.dispute.created') {
			await audit(tx, {
				actorId: null,
				action: event.type === 'charge.refunded' ? 'patronage.refund' : 'patronage.dispute',
				subjectType: 'member',
				subjectId: plan.memberId,
				details: { event: event.id, object: event.data.object.id }
			});
		}
		await options.beforeCommit?.(tx);
	});
	return duplicate ? { received: true, duplicate: true } : { received: true };
}

interface Plan {
	memberId: string | null;
	customer: string | null;
	snapshots: Snapshot[];
	disputed: boolean;
}

const idOf = (v: string | { id: string } | null | undefined) =>
	v == null ? null : typeof v === 'string' ? v : v.id;

/** The subscription an invoice bills (its place moved in newer API versions). */
function invoiceSubscription(invoice: Stripe.Invoice): string | null {
	const legacy = (invoice as unknown as { subscription?: string | { id: string } | null }).subscription;
	return idOf(invoice.parent?.subscription_details?.subscription ?? legacy ?? null);
}

async function readSubscription(
	payments: Payments,
	id: string,
	fallback?: Stripe.Subscription
): Promise<Snapshot | null> {
	const readAtMs = Date.now();
	try {
		return { subscription: await payments.stripe.subscriptions.retrieve(id), readAtMs };
	} catch (err) {
		// Deleted in Stripe (test data wiped): the event's own copy is all there is; order it as of the event.
		if ((err as { code?: string }).code === 'resource_missing' && fallback)
			return { subscription: fallback, readAtMs: 0 };
		throw err;
	}
}

/** Everything the event needs from Stripe, read before the transaction opens. */
async function readFromStripe(db: Database, payments: Payments, event: Stripe.Event): Promise<Plan> {
	const plan: Plan = { memberId: null, customer: null, snapshots: [], disputed: false };
	const add = async (id: string | null, fallback?: Stripe.Subscription) => {
		if (!id) return;
		const snapshot = await readSubscription(payments, id, fallback);
		if (snapshot) plan.snapshots.push(snapshot);
	};
	switch (event.type) {
		case 'checkout.session.completed': {
			const session = event.data.object;
			if (session.mode !== 'subscription') break;
			plan.memberId = session.client_reference_id ?? session.metadata?.member_id ?? null;
			plan.customer = idOf(session.customer);
			await add(idOf(session.subscription));
			break;
		}
		case 'customer.subscription.created':
		case 'customer.subscription.updated':
		case 'customer.subscription.deleted':
		case 'customer.subscription.paused':
		case 'customer.subscription.resumed':
			await add(event.data.object.id, event.data.object);
			break;
		case 'invoice.paid':
		case 'invoice.payment_failed': {
			const invoice = event.data.object;
			plan.memberId = await memberForCustomer(db, idOf(invoice.customer));
			await add(invoiceSubscription(invoice));
			break;
		}
		case 'charge.refunded':
			plan.memberId = await memberForCustomer(db, idOf(event.data.object.customer));
			break;
		case 'charge.dispute.created': {
			// A disputed payment ends the patronage: Stripe stops charging, access ends now.
			const charge = await payments.stripe.charges.retrieve(idOf(event.data.object.charge)!);
			plan.memberId = await memberForCustomer(db, idOf(charge.customer));
			plan.disputed = true;
			if (plan.memberId) {
				for (const s of await liveSubscriptions(db, plan.memberId)) {
					const readAtMs = Date.now();
					const subscription = await payments.stripe.subscriptions.cancel(
						s.id,
						{},
						{
							idempotencyKey: `dispute-cancel:${event.data.object.id}:${s.id}`
						}
					);
					plan.snapshots.push({ subscription, readAtMs });
				}
			}
			break;
		}
	}
	if (!plan.memberId && plan.snapshots.length === 0 && event.type !== 'charge.refunded')
		log.warn('stripe event for no known member', { event: event.id, type: event.type });
	return plan;
}

/** 1 point per euro paid, through the loyalty rules; the invoice id makes it count once. */
async function recordPatronagePoints(tx: Transaction, invoice: Stripe.Invoice, memberId: string | null) {
	if (!memberId || invoice.amount_paid <= 0) return;
	await recordEngagement(tx, {
		memberId,
		kind: 'patronage',
		object: `invoice:${invoice.id}`,
		units: wholeUnits(invoice.amount_paid),
		occurredAt: new Date(invoice.created * 1000),
		source: 'stripe',
		idempotencyKey: `stripe:invoice:${invoice.id}`
	});
}

/** The money itself, for revenue and lifetime value; the invoice id makes it count once. */
async function recordPayment(tx: Transaction, event: Stripe.InvoicePaidEvent, plan: Plan) {
	const invoice = event.data.object;
	if (!plan.memberId || invoice.amount_paid <= 0) return;
	const subscription = invoiceSubscription(invoice);
	// The subscription row was just brought up to date above: its tier is what this invoice paid for.
	const [billed] = subscription
		? await tx
				.select({ rank: patronSubscriptions.tierRank })
				.from(patronSubscriptions)
				.where(eq(patronSubscriptions.id, subscription))
		: [];
	await tx
		.insert(paymentsTable)
		.values({
			memberId: plan.memberId,
			externalId: `invoice:${invoice.id}`,
			kind: 'payment',
			stripeSubscriptionId: subscription,
			tierRank: billed?.rank ?? null,
			amountMinor: invoice.amount_paid,
			currency: invoice.currency,
			occurredAt: new Date(invoice.created * 1000),
			stripeEventId: event.id
		})
		.onConflictDoNothing();
}

/** A refund is a negative payment of what was newly refunded on the charge (Stripe reports the running total). */
async function recordRefund(tx: Transaction, event: Stripe.ChargeRefundedEvent, memberId: string | null) {
	const charge = event.data.object;
	if (!memberId || charge.amount_refunded <= 0) return;
	const [earlier] = await tx
		.select({ total: sql<string>`coalesce(sum(${paymentsTable.amountMinor}), 0)` })
		.from(paymentsTable)
		.where(and(eq(paymentsTable.kind, 'refund'), eq(paymentsTable.stripeChargeId, charge.id)));
	const newly = charge.amount_refunded + Number(earlier?.total ?? 0);
	if (newly <= 0) return;
	await tx
		.insert(paymentsTable)
		.values({
			memberId,
			externalId: `refund:${charge.id}:${charge.amount_refunded}`,
			kind: 'refund',
			stripeChargeId: charge.id,
			amountMinor: -newly,
			currency: charge.currency,
			occurredAt: new Date(event.created * 1000),
			stripeEventId: event.id
		})
		.onConflictDoNothing();
}
