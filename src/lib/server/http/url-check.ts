// Control characters (NUL above all) have no business in a path: Postgres refuses NUL in text,
// and no link of ours contains one. A query string may carry what a GET form's text carries
// (tab and line breaks, as in a form body), never the rest. Refused for every route at once.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Why the URL is refused, or null when it is fine. */
export function urlProblem(url: URL): string | null {
	let path = '';
	try {
		path = decodeURIComponent(url.pathname);
	} catch {
		// Not UTF-8: SvelteKit itself answers that one (400).
	}
	if (CONTROL.test(path)) return 'The address contains a control character (such as NUL).';
	if (url.search.length > 8_192) return 'The query string is too long.';
	try {
		for (const [name, value] of url.searchParams) {
			if (CONTROL.test(name) || CONTROL_IN_TEXT.test(value))
				return `The query parameter “${name.replace(CONTROL, '').slice(0, 40)}” contains a control character (such as NUL).`;
		}
	} catch {
		return 'The query string cannot be read.';
	}
	return null;
}
