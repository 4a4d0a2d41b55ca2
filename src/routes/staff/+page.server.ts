import { count, sql } from 'drizzle-orm';
import { getDb } from '$lib/server/db';
import { users } from '$lib/server/db/schema';
import { requireStaff } from '$lib/server/auth/guard';
import { listTiers } from '$lib/server/house';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const [members] = await db
		.select({
			total: count(),
			last30: sql<number>`count(*) filter (where ${users.createdAt} > now() - interval '30 days')`.mapWith(
				Number
			),
			verified: sql<number>`count(*) filter (where ${users.emailVerifiedAt} is not null)`.mapWith(Number)
		})
		.from(users);
	return { members, tiers: await listTiers(db) };
};
