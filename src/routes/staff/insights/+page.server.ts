import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { DEFINITIONS, parsePeriod, periodQuery, loadInsights } from '$lib/server/insights';
import { dayKey } from '$lib/server/loyalty';
import { houseTimeZone } from '$lib/server/house';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const today = dayKey(new Date(), houseTimeZone());
	const period = parsePeriod(event.url.searchParams, today);
	const insights = await loadInsights(getDb(), period);
	return { period, query: periodQuery(period), today, insights, definitions: DEFINITIONS };
};
