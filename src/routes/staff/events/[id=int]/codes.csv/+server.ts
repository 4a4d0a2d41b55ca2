import { error } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { codesCsv, getEventForStaff } from '$lib/server/tickets';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	requireStaff(event);
	const id = Number(event.params.id);
	const detail = Number.isInteger(id) ? await getEventForStaff(getDb(), id) : null;
	if (!detail) error(404, 'There is no such event.');
	return new Response(await codesCsv(getDb(), id), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${detail.event.slug}-codes.csv"`,
			'cache-control': 'private, no-store'
		}
	});
};
