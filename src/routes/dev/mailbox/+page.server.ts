import { error } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { listMail } from '$lib/server/notifications';
import type { PageServerLoad } from './$types';

// Development only: the outbox, readable in the browser when no SMTP server is configured.
// It holds reset links, so outside the demo only staff may read it, and in production it does not exist.
export const load: PageServerLoad = async (event) => {
	if (config.production) error(404, 'Not found');
	if (!config.demo) requireStaff(event);
	const messages = await listMail(getDb(), 50);
	return {
		messages: messages.map((m) => ({
			id: m.id,
			to: m.to,
			subject: m.subject,
			text: m.text,
			kind: m.kind,
			createdAt: m.createdAt.toISOString(),
			sent: m.sentAt !== null
		}))
	};
};
