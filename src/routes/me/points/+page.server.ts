import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { getStanding, listActivity } from '$lib/server/loyalty';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 25;

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const page = Math.max(
		1,
		Math.min(10_000, Number.parseInt(event.url.searchParams.get('page') ?? '1', 10) || 1)
	);
	const db = getDb();
	// One extra row tells whether there is a next page without counting the whole ledger.
	const [rows, standing] = await Promise.all([
		listActivity(db, user.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE),
		getStanding(db, user.id)
	]);
	return {
		page,
		hasNext: rows.length > PAGE_SIZE,
		points: standing.progress.points,
		entries: rows.slice(0, PAGE_SIZE).map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() }))
	};
};
