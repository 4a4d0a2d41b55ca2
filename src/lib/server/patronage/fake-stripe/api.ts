// A small stand-in for the Stripe API: the few endpoints Encore calls, answering with
// Stripe-shaped objects, plus what Stripe itself does later (a checkout completes, a renewal is
// paid or fails) as functions that return the events Stripe would send. Tests run it behind a
// local HTTP server; demo payments run it in-process. Never used when a Stripe key is set.
import { randomBytes } from 'node:crypto';
import type { FakeStore, StripeObject } from './store';

export interface FakeRequest {
	method: string;
	path: string;
	params: Record<string, unknown>;
	idempotencyKey: string | null;
}

export interface FakeResponse {
	status: number;
	body: unknown;
}

export interface FakeStripe {
	store: FakeStore;
	/** Every API request received, in order: tests assert calls and idempotency keys. */
	requests: FakeRequest[];
	/** Where checkout and portal sessions send the browser (demo pages), by session id. */
	checkoutUrl: (id: string) => string;
	portalUrl: (id: string) => string;
	now: () => Date;
	handle(request: FakeRequest): Promise<FakeResponse>;
}

export const fakeId = (prefix: string) => `${prefix}_${randomBytes(10).toString('hex')}`;
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function notFound(id: string): FakeResponse {
	return {
		status: 404,
		body: {
			error: {
				type: 'invalid_request_error',
				code: 'resource_missing',
				message: `No such object: '${id}'`
			}
		}
	};
}

function invalid(message: string): FakeResponse {
	return { status: 400, body: { error: { type: 'invalid_request_error', message } } };
}

const ok = (body: unknown): FakeResponse => ({ status: 200, body });

export function createFakeStripe(options: {
	store: FakeStore;
	checkoutUrl?: (id: string) => string;
	portalUrl?: (id: string) => string;
	now?: () => Date;
}): FakeStripe {
	// The promise, not the response: a second request with the key while the first is still being
	// answered waits for it instead of acting again (five concurrent clicks make one session).
	const idempotent = new Map<string, Promise<FakeResponse>>();
	const fake: FakeStripe = {
		store: options.store,
		requests: [],
		checkoutUrl: options.checkoutUrl ?? ((id) => `https://checkout.stripe.test/${id}`),
		portalUrl: options.portalUrl ?? ((id) => `https://billing.stripe.test/${id}`),
		now: options.now ?? (() => new Date()),
		async handle(request) {
			this.requests.push(request);
			// Like Stripe: the same key answers with the first response instead of acting twice.
			const key = request.idempotencyKey && `${request.method} ${request.path} ${request.idempotencyKey}`;
			const known = key ? idempotent.get(key) : undefined;
			if (known) return known;
			const response = route(this, request);
			if (key) {
				idempotent.set(key, response);
				response.then(
					(r) => void (r.status >= 500 && idempotent.delete(key)),
					() => void idempotent.delete(key)
				);
			}
			return response;
		}
	};
	return fake;
}

async function route(fake: FakeStripe, { method, path, params }: FakeRequest): Promise<FakeResponse> {
	const store = fake.store;
	const parts = path.replace(/^\/v1\//, '').split('/');
	const created = seconds(fake.now());
	const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
	const meta = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, string>) : {});

	if (parts[0] === 'customers' && method === 'POST' && parts.length === 1) {
		const customer = {
			id: fakeId('cus'),
			object: 'customer',
			created,
			email: str(params.email) ?? null,
			name: str(params.name) ?? null,
			metadata: meta(params.metadata),
			livemode: false
		};
		await store.put(customer);
		return ok(customer);
	}

	if (parts[0] === 'checkout' && parts[1] === 'sessions') {
		if (method === 'POST' && parts.length === 2) {
			const items = (params.line_items as { price: string; quantity?: string }[] | undefined) ?? [];
			if (!items[0]?.price) return invalid('line_items[0][price] is required');
			const price = await store.get(items[0].price);
			if (!price) return notFound(items[0].price);
			const id = fakeId('cs_test');
			const session = {
				id,
				object: 'checkout.session',
				created,
				mode: str(params.mode) ?? 'payment',
				status: 'open',
				payment_status: 'unpaid',
				customer: str(params.customer) ?? null,
				client_reference_id: str(params.client_reference_id) ?? null,
				metadata: meta(params.metadata),
				subscription: null,
				success_url: str(params.success_url),
				cancel_url: str(params.cancel_url),
				url: fake.checkoutUrl(id),
				livemode: false,
				// Not in Stripe's session object (it has line_items behind an expand): the fake keeps what it sells.
				_price: price.id,
				_subscription_metadata: meta((params.subscription_data as Record<string, unknown>)?.metadata)
			};
			await store.put(session);
			return ok(session);
		}
		if (method === 'GET' && parts.length === 3) {
			const session = await store.get(parts[2]);
			return session ? ok(session) : notFound(parts[2]);
		}
	}

	if (parts[0] === 'billing_portal' && parts[1] === 'sessions' && method === 'POST') {
		const id = fakeId('bps');
		const session = {
			id,
			object: 'billing_portal.session',
			created,
			customer: str(params.customer),
			return_url: str(params.return_url),
			url: fake.portalUrl(id),
			livemode: false
		};
		await store.put(session);
		return ok(session);
	}

	if (parts[0] === 'subscriptions' && parts.length === 2) {
		const sub = await store.get(parts[1]);
		if (!sub) return notFound(parts[1]);
		if (method === 'GET') return ok(sub);
		if (method === 'DELETE') {
			if (sub.status !== 'canceled') {
				Object.assign(sub, { status: 'canceled', canceled_at: created, ended_at: created });
				await store.put(sub);
			}
			return ok(sub);
		}
		if (method === 'POST') {
			if (params.cancel_at_period_end !== undefined)
				sub.cancel_at_period_end = params.cancel_at_period_end === 'true';
			const items = params.items as { price?: string }[] | undefined;
			if (items?.[0]?.price) {
				const price = await store.get(items[0].price);
				if (!price) return notFound(items[0].price);
				setPrice(sub, price);
			}
			await store.put(sub);
			return ok(sub);
		}
	}

	if (parts[0] === 'products') {
		if (method === 'GET' && parts.length === 2) {
			const product = await store.get(parts[1]);
			return product ? ok(product) : notFound(parts[1]);
		}
		if (method === 'POST') {
			const existing = parts.length === 2 ? await store.get(parts[1]) : undefined;
			if (parts.length === 2 && !existing) return notFound(parts[1]);
			const product = {
				...(existing ?? { id: str(params.id) ?? fakeId('prod'), object: 'product', created, active: true }),
				...(params.name !== undefined ? { name: str(params.name) } : {}),
				metadata: { ...meta(existing?.metadata), ...meta(params.metadata) },
				livemode: false
			};
			if (!existing && (await store.get(product.id)))
				return invalid(`Product already exists with ID ${product.id}`);
			await store.put(product as StripeObject);
			return ok(product);
		}
	}

	if (parts[0] === 'prices') {
		if (method === 'GET' && parts.length === 1) {
			const keys = ([] as unknown[]).concat(params.lookup_keys ?? []).map(String);
			const prices = (await store.list('price')).filter(
				(p) => p.active && keys.includes(String(p.lookup_key))
			);
			return ok({ object: 'list', data: prices, has_more: false, url: '/v1/prices' });
		}
		if (method === 'POST' && parts.length === 1) {
			const lookupKey = str(params.lookup_key) ?? null;
			if (lookupKey) {
				const holders = (await store.list('price')).filter((p) => p.lookup_key === lookupKey);
				if (holders.length && params.transfer_lookup_key !== 'true')
					return invalid(`A price with lookup key ${lookupKey} already exists.`);
				for (const h of holders) await store.put({ ...h, lookup_key: null });
			}
			const recurring = params.recurring as { interval?: string } | undefined;
			const price = {
				id: fakeId('price'),
				object: 'price',
				created,
				active: true,
				currency: str(params.currency),
				unit_amount: Number(params.unit_amount),
				product: str(params.product),
				lookup_key: lookupKey,
				recurring: recurring ? { interval: recurring.interval, interval_count: 1 } : null,
				type: recurring ? 'recurring' : 'one_time',
				metadata: meta(params.metadata),
				livemode: false
			};
			await store.put(price);
			return ok(price);
		}
		if (method === 'POST' && parts.length === 2) {
			const price = await store.get(parts[1]);
			if (!price) return notFound(parts[1]);
			if (params.active !== undefined) price.active = params.active === 'true';
			await store.put(price);
			return ok(price);
		}
	}

	if (method === 'GET' && parts.length === 2 && ['charges', 'invoices', 'customers'].includes(parts[0])) {
		const obj = await store.get(parts[1]);
		return obj ? ok(obj) : notFound(parts[1]);
	}

	return {
		status: 404,
		body: {
			error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` }
		}
	};
}

function setPrice(sub: StripeObject, price: StripeObject): void {
	const items = sub.items as { data: Record<string, unknown>[] };
	items.data[0] = { ...items.data[0], price };
}

function addInterval(d: Date, interval: string): Date {
	const next = new Date(d.getTime());
	if (interval === 'year') next.setUTCFullYear(next.getUTCFullYear() + 1);
	else next.setUTCMonth(next.getUTCMonth() + 1);
	return next;
}

export function buildEvent(
	type: string,
	object: StripeObject,
	created: Date,
	previous?: Record<string, unknown>
) {
	return {
		id: fakeId('evt'),
		object: 'event',
		api_version: '2026-10-28.endive',
		created: seconds(created),
		type,
		livemode: false,
		pending_webhooks: 1,
		request: { id: null, idempotency_key: null },
		data: { object: structuredClone(object), ...(previous ? { previous_attributes: previous } : {}) }
	};
}

export type FakeEvent = ReturnType<typeof buildEvent>;

export function subscriptionPrice(sub: StripeObject): StripeObject {
	return (sub.items as { data: { price: StripeObject }[] }).data[0].price;
}

function periodEnd(sub: StripeObject): Date {
	const item = (sub.items as { data: { current_period_end: number }[] }).data[0];
	return new Date(item.current_period_end * 1000);
}

function setPeriod(sub: StripeObject, start: Date, end: Date): void {
	const item = (sub.items as { data: Record<string, unknown>[] }).data[0];
	item.current_period_start = seconds(start);
	item.current_period_end = seconds(end);
}

function invoiceFor(sub: StripeObject, at: Date, paid: boolean, reason: string): StripeObject {
	const price = subscriptionPrice(sub);
	const amount = Number(price.unit_amount);
	return {
		id: fakeId('in'),
		object: 'invoice',
		created: seconds(at),
		customer: sub.customer,
		currency: price.currency,
		amount_due: amount,
		amount_paid: paid ? amount : 0,
		status: paid ? 'paid' : 'open',
		billing_reason: reason,
		parent: {
			type: 'subscription_details',
			subscription_details: { subscription: sub.id, metadata: sub.metadata }
		},
		livemode: false
	};
}

/** Stripe's side of a completed checkout: the subscription, its first paid invoice, the events. */
export async function completeCheckout(fake: FakeStripe, sessionId: string): Promise<FakeEvent[]> {
	const session = await fake.store.get(sessionId);
	if (!session || session.status !== 'open') return [];
	const price = await fake.store.get(String(session._price));
	if (!price) return [];
	const now = fake.now();
	const interval = String((price.recurring as { interval: string }).interval);
	const sub: StripeObject = {
		id: fakeId('sub'),
		object: 'subscription',
		created: seconds(now),
		customer: session.customer,
		status: 'active',
		cancel_at_period_end: false,
		cancel_at: null,
		canceled_at: null,
		ended_at: null,
		metadata: session._subscription_metadata ?? {},
		items: {
			object: 'list',
			data: [{ id: fakeId('si'), object: 'subscription_item', price, quantity: 1 }]
		},
		livemode: false
	};
	setPeriod(sub, now, addInterval(now, interval));
	const invoice = invoiceFor(sub, now, true, 'subscription_create');
	sub.latest_invoice = invoice.id;
	Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: sub.id });
	// A session completes once, however many pay buttons were pressed at the same moment.
	if (!(await fake.store.putIfStatus(session, 'open'))) return [];
	await Promise.all([fake.store.put(sub), fake.store.put(invoice)]);
	return [
		buildEvent('customer.subscription.created', sub, now),
		buildEvent('checkout.session.completed', session, now),
		buildEvent('invoice.paid', invoice, now)
	];
}

/**
 * The period ends: a subscription set to cancel ends; otherwise Stripe charges the card for the
 * next period (`pay: false` makes that charge fail, and the subscription goes past_due).
 */
export async function endPeriod(fake: FakeStripe, subId: string, pay = true): Promise<FakeEvent[]> {
	const sub = await fake.store.get(subId);
	if (!sub || sub.status === 'canceled') return [];
	const now = fake.now();
	if (sub.cancel_at_period_end) {
		Object.assign(sub, { status: 'canceled', canceled_at: seconds(now), ended_at: seconds(now) });
		await fake.store.put(sub);
		return [buildEvent('customer.subscription.deleted', sub, now)];
	}
	if (sub._pending_price) {
		const pending = await fake.store.get(String(sub._pending_price));
		if (pending) setPrice(sub, pending);
		delete sub._pending_price;
	}
	const interval = String((subscriptionPrice(sub).recurring as { interval: string }).interval);
	const start = periodEnd(sub);
	if (!pay) {
		const invoice = invoiceFor(sub, now, false, 'subscription_cycle');
		Object.assign(sub, { status: 'past_due', latest_invoice: invoice.id });
		setPeriod(sub, start, addInterval(start, interval));
		await Promise.all([fake.store.put(sub), fake.store.put(invoice)]);
		return [
			buildEvent('invoice.payment_failed', invoice, now),
			buildEvent('customer.subscription.updated', sub, now, { status: 'active' })
		];
	}
	return payLatest(fake, sub, start, interval);
}

async function payLatest(fake: FakeStripe, sub: StripeObject, start: Date | null, interval: string) {
	const now = fake.now();
	if (start) setPeriod(sub, start, addInterval(start, interval));
	const invoice = invoiceFor(sub, now, true, start ? 'subscription_cycle' : 'subscription_update');
	Object.assign(sub, { status: 'active', latest_invoice: invoice.id });
	await Promise.all([fake.store.put(sub), fake.store.put(invoice)]);
	return [buildEvent('invoice.paid', invoice, now), buildEvent('customer.subscription.updated', sub, now)];
}

/** The fan updated their card: the open invoice is paid and the subscription is active again. */
export async function recoverPayment(fake: FakeStripe, subId: string): Promise<FakeEvent[]> {
	const sub = await fake.store.get(subId);
	if (!sub || sub.status !== 'past_due') return [];
	const interval = String((subscriptionPrice(sub).recurring as { interval: string }).interval);
	return payLatest(fake, sub, null, interval);
}

/** Customer Portal changes: cancel or resume at period end, switch price (up now, down at period end). */
export async function portalUpdate(
	fake: FakeStripe,
	subId: string,
	change: { cancelAtPeriodEnd?: boolean; priceId?: string }
): Promise<FakeEvent[]> {
	const sub = await fake.store.get(subId);
	if (!sub || sub.status === 'canceled') return [];
	const now = fake.now();
	if (change.cancelAtPeriodEnd !== undefined) {
		sub.cancel_at_period_end = change.cancelAtPeriodEnd;
		sub.cancel_at = change.cancelAtPeriodEnd
			? (sub.items as { data: { current_period_end: number }[] }).data[0].current_period_end
			: null;
	}
	if (change.priceId) {
		const price = await fake.store.get(change.priceId);
		if (!price) return [];
		const current = subscriptionPrice(sub);
		const monthly = (p: StripeObject) =>
			Number(p.unit_amount) / ((p.recurring as { interval: string }).interval === 'year' ? 12 : 1);
		if (monthly(price) > monthly(current)) {
			setPrice(sub, price); // upgrade: at once, prorated
			delete sub._pending_price;
		} else sub._pending_price = price.id; // downgrade: from the next period
	}
	await fake.store.put(sub);
	return [buildEvent('customer.subscription.updated', sub, now)];
}
