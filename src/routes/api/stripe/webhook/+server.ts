// Stripe's webhook endpoint. No session: the signature over the raw body is the authentication.
import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { log } from '$lib/server/log';
import { getPayments, receiveStripeWebhook } from '$lib/server/patronage';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals }) => {
	// The exact bytes Stripe signed: never parse and re-serialise before verifying.
	const body = await request.text();
	const result = await receiveStripeWebhook(
		getDb(),
		await getPayments(),
		body,
		request.headers.get('stripe-signature')
	);
	if (result.status !== 200)
		log.warn('stripe webhook refused', { requestId: locals.requestId, reason: result.body.error });
	return json(result.body, { status: result.status });
};
