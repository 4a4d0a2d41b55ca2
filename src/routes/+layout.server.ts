import { building } from '$app/environment';
import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { getHouse, houseTimeZone } from '$lib/server/house';
import { unreadCount } from '$lib/server/notifications';
import { isStaff } from '$lib/server/auth';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, depends }) => {
	depends('app:inbox');
	// Prerendered pages (offline) are built without a database: they use the generic name.
	const user = locals.user;
	const [house, unread] = building
		? [{ name: 'Encore', tagline: '' }, 0]
		: await Promise.all([getHouse(getDb()), user ? (locals.unread ?? unreadCount(getDb(), user.id)) : 0]);
	return {
		house: { name: house.name, tagline: house.tagline },
		// Every page prints times on this clock, on the server and after hydration alike.
		houseTimeZone: houseTimeZone(),
		demo: config.demo,
		user: user
			? {
					id: user.id,
					displayName: user.displayName,
					email: user.email,
					role: user.role,
					isStaff: isStaff(user),
					emailVerified: user.emailVerifiedAt !== null,
					unread
				}
			: null
	};
};
