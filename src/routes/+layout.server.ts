import { building } from '$app/environment';
import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { getHouse } from '$lib/server/house';
import { isStaff } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	// Prerendered pages (offline) are built without a database: they use the generic name.
	const house = building ? { name: 'Encore', tagline: '' } : await getHouse(getDb());
	const user = locals.user;
	return {
		house: { name: house.name, tagline: house.tagline },
		demo: config.demo,
		user: user
			? {
					id: user.id,
					displayName: user.displayName,
					email: user.email,
					role: user.role,
					isStaff: isStaff(user),
					emailVerified: user.emailVerifiedAt !== null
				}
			: null
	};
};
