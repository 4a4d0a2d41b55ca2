import { error } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { getHouse } from '$lib/server/house';
import { eventCalendar, getEventBySlug } from '$lib/server/tickets';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	requireUser(event);
	const db = getDb();
	const ev = await getEventBySlug(db, event.params.event);
	if (!ev) error(404, 'There is no such event.');
	const ics = eventCalendar(ev, (await getHouse(db)).name, event.url.origin);
	return new Response(ics, {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': `attachment; filename="${ev.slug}.ics"`,
			'cache-control': 'private, no-store'
		}
	});
};
