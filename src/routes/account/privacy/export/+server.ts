import { error } from '@sveltejs/kit';
import { requireUser, retryMessage } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { exportForDownload } from '$lib/server/privacy';
import type { RequestHandler } from './$types';

/** "Download my data": every row about the member, as a JSON file. */
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	const result = await exportForDownload(getDb(), user.id);
	if (!result.ok) error(429, retryMessage(result.retryAfterSeconds));
	return new Response(result.body, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="${result.filename}"`,
			'cache-control': 'private, no-store'
		}
	});
};
