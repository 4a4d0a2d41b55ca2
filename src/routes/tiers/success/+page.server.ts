import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { getStanding } from '$lib/server/loyalty';
import { checkoutState } from '$lib/server/patronage';
import type { PageServerLoad } from './$types';

// Back from Checkout. The redirect proves nothing: only the webhook confirms, so this waits for it.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = getDb();
	const sessionId = event.url.searchParams.get('session_id') ?? '';
	const state = await checkoutState(db, user.id, sessionId);
	const standing = state === 'confirmed' ? await getStanding(db, user.id) : null;
	return {
		sessionId,
		state,
		tier: standing && {
			name: standing.tier.name,
			colour: standing.tier.colour,
			benefits: standing.tier.benefits
		}
	};
};
