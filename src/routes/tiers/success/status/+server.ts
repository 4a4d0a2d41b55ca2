// Polled by the success page until the webhook has confirmed the checkout.
import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { checkoutState } from '$lib/server/patronage';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	const state = await checkoutState(getDb(), user.id, event.url.searchParams.get('session_id') ?? '');
	return json({ state }, { headers: { 'cache-control': 'no-store' } });
};
