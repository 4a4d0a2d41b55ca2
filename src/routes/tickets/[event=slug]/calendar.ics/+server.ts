import { error } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { requireUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { events } from '$lib/server/db/schema';
import { getHouse } from '$lib/server/house';
import { eventCalendar } from '$lib/server/tickets/calendar';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	requireUser(event);
	const db = getDb();
	const [ev] = await db.select().from(events).where(eq(events.slug, event.params.event));
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
