// Drop media, served only after the access rule says the member may read the drop now. Members
// come with their session, feed readers with their private feed key. Unknown and locked look alike (404).
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { memberForFeedToken, openMediaFile } from '$lib/server/drops';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals, url, request }) => {
	const db = getDb();
	const key = url.searchParams.get('key');
	// The session when there is one (authorisation for this request), else the feed key.
	const member = locals.user
		? { id: locals.user.id, role: locals.user.role }
		: key
			? await memberForFeedToken(db, key)
			: null;
	const file = await openMediaFile(db, member, params.id, params.file, new Date());
	if (!file) error(404, 'Not found');

	const headers: Record<string, string> = {
		'Content-Type': file.mime,
		// Never in a shared cache, and not kept by the browser: access can end (a tier lapses, a drop is unpublished).
		'Cache-Control': 'private, no-store',
		'Accept-Ranges': 'bytes',
		'Content-Disposition': 'inline',
		'Cross-Origin-Resource-Policy': 'same-origin'
	};
	// One byte range, for seeking in audio and video.
	const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') ?? '');
	if (range && (range[1] || range[2])) {
		const start = range[1] ? Number(range[1]) : Math.max(0, file.size - Number(range[2]));
		const end = range[1] && range[2] ? Math.min(Number(range[2]), file.size - 1) : file.size - 1;
		if (start > end || start >= file.size)
			return new Response(null, {
				status: 416,
				headers: { ...headers, 'Content-Range': `bytes */${file.size}` }
			});
		const stream = Readable.toWeb(createReadStream(file.path, { start, end })) as ReadableStream;
		return new Response(stream, {
			status: 206,
			headers: {
				...headers,
				'Content-Range': `bytes ${start}-${end}/${file.size}`,
				'Content-Length': String(end - start + 1)
			}
		});
	}
	const stream = Readable.toWeb(createReadStream(file.path)) as ReadableStream;
	return new Response(stream, { headers: { ...headers, 'Content-Length': String(file.size) } });
};
