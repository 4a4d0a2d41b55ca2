import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { DEFINITIONS, parsePeriod, periodQuery, loadInsights } from '$lib/server/insights';
import { dayKey } from '$lib/server/loyalty';
import { houseTimeZone } from '$lib/server/house';
import { cancellationReasons, cancelReasonLabel } from '$lib/server/feedback';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const today = dayKey(new Date(), houseTimeZone());
	const period = parsePeriod(event.url.searchParams, today);
	const [insights, reasons] = await Promise.all([
		loadInsights(getDb(), period),
		cancellationReasons(getDb())
	]);
	return {
		period,
		query: periodQuery(period),
		today,
		insights,
		definitions: DEFINITIONS,
		// Why patrons left (all time, from the one-tap question at cancellation).
		leftBecause: reasons.map((r) => ({ tier: r.tier, reason: cancelReasonLabel(r.reason), count: r.count }))
	};
};
