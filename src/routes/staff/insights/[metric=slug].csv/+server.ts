import { error } from '@sveltejs/kit';
import { insightTables } from '$lib/insights/tables';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { METRICS, type MetricId, parsePeriod, loadInsights, toCsv } from '$lib/server/insights';
import { dayKey } from '$lib/server/loyalty';
import { houseTimeZone } from '$lib/server/house';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	requireStaff(event);
	const metric = event.params.metric as MetricId;
	if (!(METRICS as readonly string[]).includes(metric)) error(404, 'There is no such insight.');
	const period = parsePeriod(event.url.searchParams, dayKey(new Date(), houseTimeZone()));
	const table = insightTables(await loadInsights(getDb(), period))[metric];
	return new Response(toCsv(table), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="insights-${metric}-${period.from}-to-${period.last}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
};
