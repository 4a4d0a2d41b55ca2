// Cross-site form POSTs are refused, as SvelteKit's own origin check does, with one exception:
// the one-click unsubscribe that mail clients POST from their own servers (RFC 8058), which
// carries its authority in a signed token, not in a cookie. SvelteKit's check cannot exempt a
// path, so it is switched off in svelte.config.js and this one runs first in hooks.server.ts.

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Paths whose POSTs carry their own proof (a signed token in the path) and need no cookie. */
export const TOKEN_AUTHORISED_PATHS = [/^\/unsubscribe\/[\w.-]+$/];

export function crossSiteFormBlocked(
	method: string,
	headers: Pick<Headers, 'get'>,
	url: Pick<URL, 'origin' | 'pathname'>
): boolean {
	if (!UNSAFE_METHODS.has(method)) return false;
	const type = (headers.get('content-type') ?? '').split(';', 1)[0].trim().toLowerCase();
	if (!FORM_TYPES.has(type)) return false;
	if (headers.get('origin') === url.origin) return false;
	return !TOKEN_AUTHORISED_PATHS.some((path) => path.test(url.pathname));
}
