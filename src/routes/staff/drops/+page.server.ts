import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { tierOptions, listStaffDrops } from '$lib/server/drops';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const [drops, tiers] = await Promise.all([listStaffDrops(db), tierOptions(db)]);
	return {
		tiers,
		drops: drops.map((d) => ({
			id: d.id,
			slug: d.slug,
			title: d.title,
			status: d.status,
			pinned: d.pinned,
			minRank: d.minRank,
			windows: d.windows.length,
			publishAt: d.publishAt?.toISOString() ?? null,
			updatedAt: d.updatedAt.toISOString()
		}))
	};
};
