import { requireUser } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { listEventsForMember } from '$lib/server/tickets';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { events: await listEventsForMember(getDb(), user.id) };
};
