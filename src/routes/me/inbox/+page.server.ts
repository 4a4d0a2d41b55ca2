import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { listInbox, markAllRead } from '$lib/server/notifications';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = getDb();
	const items = await listInbox(db, user.id, 100);
	// Opening the inbox reads it; the list still marks what was new on arrival.
	if (items.some((i) => !i.readAt)) await markAllRead(db, user.id);
	return {
		items: items.map((i) => ({
			id: i.id,
			kind: i.kind,
			title: i.title,
			body: i.body,
			link: i.link,
			colour: typeof i.data.colour === 'string' ? i.data.colour : null,
			createdAt: i.createdAt.toISOString(),
			unread: !i.readAt
		}))
	};
};
