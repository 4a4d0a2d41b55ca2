import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { loadDropPage } from '$lib/server/drops';
import type { PageServerLoad } from './$types';

// The access rule runs here, on every request (page and __data.json alike): a locked drop's
// body and media URLs are never part of what this returns.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const page = await loadDropPage(getDb(), { id: user.id, role: user.role }, event.params.slug, new Date());
	if (page.kind === 'missing') error(404, 'There is no drop at this address.');
	return { page };
};
