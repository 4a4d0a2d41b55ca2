// `[id=uuid]`: a member or media id (a UUID). Anything else is a 404 before any query runs.
import type { ParamMatcher } from '@sveltejs/kit';

export const match: ParamMatcher = (param) =>
	/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(param);
