// Live preview for the drop editor: the Markdown through the same renderer and sanitiser as a saved body.
import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { previewBody } from '$lib/server/drops';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	requireStaff(event);
	const input = (await event.request.json().catch(() => null)) as { body?: unknown; dropId?: unknown } | null;
	const body = typeof input?.body === 'string' ? input.body : '';
	const dropId = Number.isInteger(input?.dropId) ? (input!.dropId as number) : null;
	return json({ html: await previewBody(getDb(), body, dropId) });
};
