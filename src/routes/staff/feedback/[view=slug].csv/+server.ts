// Each feedback table as CSV (by tier, event, drop, month; cancellation reasons).
import { error } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { csvTable } from '$lib/server/csv';
import { houseTimeZone } from '$lib/server/house';
import {
	cancellationReasons,
	cancelReasonLabel,
	SCORE_HEADER,
	scoreCells,
	scoresByDrop,
	scoresByEvent,
	scoresByMonth,
	scoresByTier
} from '$lib/server/feedback';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	requireStaff(event);
	const db = getDb();
	const view = event.params.view;
	let body: string;
	if (view === 'reasons') {
		const rows = await cancellationReasons(db);
		body = csvTable(
			['Tier', 'Reason', 'Patrons'],
			rows.map((r) => [r.tier, cancelReasonLabel(r.reason), r.count])
		);
	} else {
		const load = { tier: scoresByTier, event: scoresByEvent, drop: scoresByDrop, month: null }[view];
		if (load === undefined) error(404, 'There is no such table.');
		const rows = load ? await load(db) : await scoresByMonth(db, houseTimeZone());
		body = csvTable(SCORE_HEADER, rows.map(scoreCells));
	}
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="feedback-${view}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
};
