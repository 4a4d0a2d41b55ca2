import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '$lib/server/demo';
import { getHouse, listTiers } from '$lib/server/house';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const db = getDb();
	const [house, tiers] = await Promise.all([getHouse(db), listTiers(db)]);
	return {
		about: house.about,
		tiers: tiers.map((t) => ({
			id: t.id,
			name: t.name,
			colour: t.colour,
			pointsThreshold: t.pointsThreshold,
			monthlyPriceMinor: t.monthlyPriceMinor,
			currency: t.currency,
			benefits: t.benefits
		})),
		// Demo credentials appear only in demo mode, never in a real deployment.
		demoAccounts: config.demo ? DEMO_ACCOUNTS.map((a) => ({ ...a, password: DEMO_PASSWORD })) : []
	};
};
