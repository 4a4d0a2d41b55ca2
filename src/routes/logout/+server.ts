import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { deleteSessionCookie, invalidateSession } from '$lib/server/auth';
import type { RequestHandler } from './$types';

// POST only: a GET link could sign people out from another site's <img>.
export const POST: RequestHandler = async ({ locals, cookies }) => {
	if (locals.session) await invalidateSession(getDb(), locals.session.id);
	deleteSessionCookie(cookies);
	redirect(303, '/login?signedOut=1');
};
