// Buying and managing a paid tier: the member's Stripe customer (created once), Checkout
// Sessions, the Customer Portal and, for account deletion, cancelling in Stripe. Access itself is
// only ever granted by the webhook, never by a redirect back from Stripe.
import { and, desc, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Queryable } from '../db';
import { checkoutSessions, stripeCustomers, type BillingInterval } from '../db/schema';
import { accessOf } from './access';
import type { Payments } from './payments';
import { priceFor, syncPrices } from './prices';
import { liveSubscriptions } from './subscriptions';

interface Member {
	id: string;
	email: string;
	displayName: string;
}

/** The member's Stripe customer, created on first need; the idempotency key makes a double click create one. */
export async function ensureCustomer(db: Queryable, stripe: Stripe, member: Member): Promise<string> {
	const find = async () =>
		(await db.select().from(stripeCustomers).where(eq(stripeCustomers.memberId, member.id)))[0]
			?.stripeCustomerId;
	const known = await find();
	if (known) return known;
	const customer = await stripe.customers.create(
		{ email: member.email, name: member.displayName, metadata: { member_id: member.id } },
		{ idempotencyKey: `customer:${member.id}` }
	);
	await db
		.insert(stripeCustomers)
		.values({ memberId: member.id, stripeCustomerId: customer.id })
		.onConflictDoNothing();
	return (await find())!;
}

export type CheckoutStart =
	{ kind: 'redirect'; url: string } | { kind: 'already_patron' } | { kind: 'not_for_sale' };

/**
 * A Checkout Session for a tier and interval. `attempt` comes from the page that showed the
 * button: submitting the same form twice opens the same session.
 */
export async function startCheckout(
	db: Database,
	payments: Payments,
	member: Member,
	choice: { rank: number; interval: BillingInterval; attempt: string; origin: string }
): Promise<CheckoutStart> {
	const now = new Date();
	const live = await liveSubscriptions(db, member.id);
	// One subscription per member: changing plan is the portal's job (with proration).
	if (live.some((s) => accessOf(s, payments.graceDays, now).grants)) return { kind: 'already_patron' };
	let price = await priceFor(db, choice.rank, choice.interval);
	if (!price && payments.mode === 'demo') {
		await syncPrices(db, payments.stripe); // demo payments price the ladder on first use
		price = await priceFor(db, choice.rank, choice.interval);
	}
	if (!price) return { kind: 'not_for_sale' };
	const customer = await ensureCustomer(db, payments.stripe, member);
	const metadata = { member_id: member.id, tier_rank: String(choice.rank), interval: choice.interval };
	const session = await payments.stripe.checkout.sessions.create(
		{
			mode: 'subscription',
			customer,
			client_reference_id: member.id,
			line_items: [{ price: price.stripePriceId, quantity: 1 }],
			success_url: `${choice.origin}/tiers/success?session_id={CHECKOUT_SESSION_ID}`,
			cancel_url: `${choice.origin}/tiers?checkout=cancelled`,
			metadata,
			subscription_data: { metadata }
		},
		{ idempotencyKey: `checkout:${member.id}:${price.stripePriceId}:${choice.attempt}` }
	);
	await db
		.insert(checkoutSessions)
		.values({ id: session.id, memberId: member.id, tierRank: choice.rank, interval: choice.interval })
		.onConflictDoNothing();
	return { kind: 'redirect', url: session.url! };
}

export type CheckoutState = 'pending' | 'confirmed' | 'unknown';

/** What the success page polls: only the webhook sets completedAt. */
export async function checkoutState(
	db: Queryable,
	memberId: string,
	sessionId: string
): Promise<CheckoutState> {
	const [row] = await db
		.select({ completedAt: checkoutSessions.completedAt })
		.from(checkoutSessions)
		.where(and(eq(checkoutSessions.id, sessionId), eq(checkoutSessions.memberId, memberId)));
	if (!row) return 'unknown';
	return row.completedAt ? 'confirmed' : 'pending';
}

export async function latestCheckout(db: Queryable, memberId: string) {
	const [row] = await db
		.select()
		.from(checkoutSessions)
		.where(eq(checkoutSessions.memberId, memberId))
		.orderBy(desc(checkoutSessions.createdAt))
		.limit(1);
	return row ?? null;
}

/** A Customer Portal session, or null when the member has never been a customer. */
export async function openPortal(
	db: Queryable,
	payments: Payments,
	memberId: string,
	choice: { attempt: string; origin: string }
): Promise<string | null> {
	const [row] = await db.select().from(stripeCustomers).where(eq(stripeCustomers.memberId, memberId));
	if (!row) return null;
	const session = await payments.stripe.billingPortal.sessions.create(
		{ customer: row.stripeCustomerId, return_url: `${choice.origin}/account/billing` },
		{ idempotencyKey: `portal:${memberId}:${choice.attempt}` }
	);
	return session.url;
}

/** Account deletion cancels in Stripe first, so nobody is charged for an account that is gone. */
export async function cancelSubscriptionsOf(
	db: Queryable,
	payments: Payments,
	memberId: string
): Promise<number> {
	const live = await liveSubscriptions(db, memberId);
	for (const s of live) {
		await payments.stripe.subscriptions.cancel(s.id, {}, { idempotencyKey: `account-deleted:${s.id}` });
	}
	return live.length;
}
