// `[id=int]`: a database id, 1…2147483647 (a Postgres integer). Anything else (NUL, 2147483648,
// -1, 1e309, abc) is a 404 before any load or action runs, so no query ever sees it. Matchers
// also run in the browser: no server imports here.
import type { ParamMatcher } from '@sveltejs/kit';

export const match: ParamMatcher = (param) => /^[1-9]\d{0,9}$/.test(param) && Number(param) <= 2_147_483_647;
