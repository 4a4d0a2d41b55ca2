import { requireStaff } from '$lib/server/auth';
import type { LayoutServerLoad } from './$types';

// Convenience only: every staff page and action checks again itself (layouts do not re-run on every request).
export const load: LayoutServerLoad = (event) => {
	requireStaff(event);
	return {};
};
