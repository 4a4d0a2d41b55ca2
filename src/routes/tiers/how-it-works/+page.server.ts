import { getDb } from '$lib/server/db';
import { limitText, ruleOrder, loadLadder, loadRules, WINDOW_MONTHS } from '$lib/server/loyalty';
import { houseTimeZone } from '$lib/server/house';
import type { PageServerLoad } from './$types';

// Public, and generated from the very configuration the engine runs on.
export const load: PageServerLoad = async () => {
	const db = getDb();
	const [ladder, rules] = await Promise.all([loadLadder(db), loadRules(db)]);
	return {
		windowMonths: WINDOW_MONTHS,
		timeZone: houseTimeZone(),
		ladder: ladder.map(({ rank, name, colour, pointsThreshold, paidName, purchasable }) => ({
			rank,
			name,
			colour,
			pointsThreshold,
			paidName,
			purchasable
		})),
		rules: rules
			.filter((r) => r.active)
			.sort((a, b) => ruleOrder(a.kind) - ruleOrder(b.kind))
			.map((r) => ({
				kind: r.kind,
				label: r.label,
				points: r.points,
				perUnit: r.perUnit,
				limit: limitText(r)
			}))
	};
};
