// One-click unsubscribe from a notification email, without signing in: the signed token says who
// and what. Opening the link unsubscribes (and offers to undo); mail clients' own one-click button
// POSTs here (RFC 8058, allowed past the cross-site check by src/lib/server/csrf.ts).
import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import {
	ALL_KINDS,
	kindInfo,
	applyUnsubscribe,
	setPreference,
	unsubscribeSecret,
	verifyUnsubscribe,
	type UnsubscribeTarget
} from '$lib/server/notifications';
import type { Actions, PageServerLoad } from './$types';

async function target(token: string): Promise<UnsubscribeTarget> {
	const found = verifyUnsubscribe(await unsubscribeSecret(getDb()), token);
	if (!found) error(400, 'This unsubscribe link is not valid. Open your notification settings instead.');
	return found;
}

export const load: PageServerLoad = async ({ params }) => {
	const t = await target(params.token);
	await applyUnsubscribe(getDb(), t, ALL_KINDS);
	return { about: t.kind === '*' ? null : kindInfo(t.kind).label, resubscribed: false };
};

export const actions: Actions = {
	// The RFC 8058 one-click POST to the List-Unsubscribe address (`?/oneClick`).
	oneClick: async ({ params }) => {
		const t = await target(params.token);
		await applyUnsubscribe(getDb(), t, ALL_KINDS);
		return { resubscribed: false };
	},
	resubscribe: async ({ params }) => {
		const t = await target(params.token);
		if (t.kind !== '*') await setPreference(getDb(), t.memberId, t.kind, t.channel, true);
		return { resubscribed: true };
	}
};
