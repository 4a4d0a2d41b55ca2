import { getDb } from '$lib/server/db';
import { verifyEmail } from '$lib/server/accounts';
import type { PageServerLoad } from './$types';

// The link itself is the action: opening it confirms the address (harmless if a mail scanner opens it first).
export const load: PageServerLoad = async ({ params, setHeaders }) => {
	setHeaders({ 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
	return { verified: await verifyEmail(getDb(), params.token) };
};
