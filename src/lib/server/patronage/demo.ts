// Demo payments: Stripe's side of things (a checkout paid, a renewal charged or declined, a
// change in the portal) happens in the local stand-in, and the events it produces are signed
// with the webhook secret and handed to the very handler POST /api/stripe/webhook runs.
import type { Database } from '../db';
import { log } from '../log';
import type { FakeEvent } from './fake-stripe/api';
import type { Payments } from './payments';
import { receiveStripeWebhook } from './webhook';

export function demoOnly(payments: Payments): NonNullable<Payments['fake']> {
	if (payments.mode !== 'demo' || !payments.fake)
		throw new Error('Demo payments are off: a Stripe key is configured.');
	return payments.fake;
}

/** Delivers events like Stripe does: a signed JSON body, verified by the webhook handler. */
export async function deliverDemoEvents(
	db: Database,
	payments: Payments,
	events: FakeEvent[]
): Promise<void> {
	for (const event of events) {
		const payload = JSON.stringify(event);
		const signature = payments.stripe.webhooks.generateTestHeaderString({
			payload,
			secret: payments.webhookSecret
		});
		const result = await receiveStripeWebhook(db, payments, payload, signature);
		if (result.status !== 200) throw new Error(`demo event ${event.type} refused: ${result.body.error}`);
	}
}

/** Stripe answers the browser before its webhooks arrive: deliver a moment later, in the background. */
export function deliverDemoEventsLater(
	db: Database,
	payments: Payments,
	events: FakeEvent[],
	delayMs = 800
): void {
	setTimeout(() => {
		deliverDemoEvents(db, payments, events).catch((err) =>
			log.error('demo webhook delivery failed', { error: String(err) })
		);
	}, delayMs).unref();
}
