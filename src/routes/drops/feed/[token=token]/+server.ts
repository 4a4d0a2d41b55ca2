// A member's private Atom feed. The token in the address is the authorisation (readers and podcast
// apps have no session); it lists only what the access rule lets that member read now.
import { error } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { memberFeed } from '$lib/server/drops';
import { getHouse } from '$lib/server/house';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url }) => {
	const db = getDb();
	const token = params.token.replace(/\.(xml|atom)$/, '');
	const house = await getHouse(db);
	const origin = config.origin || url.origin;
	const xml = await memberFeed(db, token, { origin, houseName: house.name });
	if (xml === null) error(404, 'This feed link is not valid (it may have been replaced).');
	return new Response(xml, {
		headers: {
			'Content-Type': 'application/atom+xml; charset=utf-8',
			'Cache-Control': 'private, no-store',
			'X-Robots-Tag': 'noindex'
		}
	});
};
