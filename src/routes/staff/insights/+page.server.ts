import { requireStaff } from '$lib/server/auth/guard';
import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { DEFINITIONS } from '$lib/server/insights/definitions';
import { parsePeriod, periodQuery } from '$lib/server/insights/period';
import { loadInsights } from '$lib/server/insights/queries';
import { dayKey } from '$lib/server/loyalty/earning';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const today = dayKey(new Date(), config.houseTimeZone);
	const period = parsePeriod(event.url.searchParams, today);
	const insights = await loadInsights(getDb(), period);
	return { period, query: periodQuery(period), today, insights, definitions: DEFINITIONS };
};
