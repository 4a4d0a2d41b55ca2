// Database errors that still mean the request was wrong, not the server. Routes validate ids and
// fields before they query (param matchers, bounded zod schemas, readForm), so these are the
// safety net: a value that slipped through answers 4xx with a message instead of a 500. Anything
// else stays a genuine fault (a 5xx, logged with the request id).

/** SQLSTATE → what the client is told. */
const BAD_INPUT: Record<string, { status: 400 | 404 | 409; message: string }> = {
	'22P02': {
		status: 400,
		message: 'A value in the request is not of the expected kind (a number, a date, an id).'
	},
	'22003': { status: 400, message: 'A number in the request is out of range.' },
	'22007': { status: 400, message: 'A date or time in the request is not valid.' },
	'22008': { status: 400, message: 'A date or time in the request is out of range.' },
	'22021': { status: 400, message: 'The request contains text that is not valid UTF-8 (or a NUL byte).' },
	'22001': { status: 400, message: 'A value in the request is too long.' },
	'23502': { status: 400, message: 'A required value is missing from the request.' },
	'23503': { status: 404, message: 'The request refers to something that does not exist.' },
	'23505': { status: 409, message: 'That already exists (or was just submitted).' },
	'23514': { status: 400, message: 'A value in the request is not allowed.' }
};

export interface BadInput {
	status: 400 | 404 | 409;
	message: string;
	code: string;
}

/** The SQLSTATE of a database error, looking through wrappers (Drizzle puts the driver's in `cause`). */
export function sqlState(err: unknown): string | undefined {
	for (
		let e = err, depth = 0;
		e && typeof e === 'object' && depth < 5;
		e = (e as { cause?: unknown }).cause, depth++
	) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
	}
	return undefined;
}

/** What to answer for a database error caused by bad input, or null for a genuine fault. */
export function badInputOf(err: unknown): BadInput | null {
	const code = sqlState(err);
	const known = code ? BAD_INPUT[code] : undefined;
	return known && code ? { ...known, code } : null;
}
