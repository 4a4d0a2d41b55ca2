import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { resendVerification } from '$lib/server/auth/accounts';
import { requireUser } from '$lib/server/auth/guard';
import { listTiers } from '$lib/server/house';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const tiers = await listTiers(getDb());
	// Until the loyalty engine lands, every member starts on the first rung.
	const tier = tiers[0] ?? null;
	return {
		welcome: event.url.searchParams.has('welcome'),
		passwordChanged: event.url.searchParams.has('passwordChanged'),
		memberSince: user.createdAt.toISOString(),
		tier: tier && { name: tier.name, colour: tier.colour, benefits: tier.benefits },
		nextTier: tiers[1] && {
			name: tiers[1].name,
			colour: tiers[1].colour,
			pointsThreshold: tiers[1].pointsThreshold
		}
	};
};

export const actions: Actions = {
	resendVerification: async (event) => {
		const user = requireUser(event);
		const result = await resendVerification(getDb(), user.id);
		if (!result.ok) return fail(result.status, { errors: result.errors, resent: false });
		return { resent: true, errors: {} as Record<string, string> };
	}
};
