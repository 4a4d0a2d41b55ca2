import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { listTiers } from '$lib/server/house';
import { memberCounts } from '$lib/server/members';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const [members, tiers] = await Promise.all([memberCounts(db), listTiers(db)]);
	return { members, tiers };
};
