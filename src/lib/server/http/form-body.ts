// The one way a form action reads its body. A browser never sends a multipart body without a
// boundary, invalid UTF-8, NUL bytes or five thousand fields; a hostile client does, and then the
// platform's `request.formData()` throws (a 500) or hands the garbage to the database (another
// 500). Here any of that is a 400 with a message, and what comes back is clean text: no control
// characters other than tab and line breaks. Forms that must refill can still `fail(400)` on their
// own schema errors, which only ever see clean values. (ESLint forbids `.formData()` in src/routes.)
import { error } from '@sveltejs/kit';

/** More than any of our forms has (the largest, an event's, has a few dozen). */
export const MAX_FIELDS = 1_000;
/** Characters per text field: a long drop body fits many times over. */
export const MAX_FIELD_CHARS = 200_000;

/** C0 controls and DEL, except tab, line feed and carriage return (multi-line text). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class FormBodyError extends Error {
	constructor(
		readonly status: 400 | 413 | 415,
		message: string
	) {
		super(message);
	}
}

type HasRequest = Request | { request: Request };

/**
 * The submitted form, or a 400/413/415 error page with a message when the body is not a form we
 * can read. Use it wherever an action would call `request.formData()`.
 */
export async function readForm(from: HasRequest, limits: FormLimits = {}): Promise<FormData> {
	try {
		return await parseFormBody(from instanceof Request ? from : from.request, limits);
	} catch (err) {
		if (err instanceof FormBodyError) error(err.status, err.message);
		throw err;
	}
}

export interface FormLimits {
	maxFields?: number;
	maxFieldChars?: number;
}

/** The same, throwing FormBodyError (for callers that answer JSON themselves, and tests). */
export async function parseFormBody(request: Request, limits: FormLimits = {}): Promise<FormData> {
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0].trim().toLowerCase();
	let entries: [string, FormDataEntryValue][];
	if (type === 'application/x-www-form-urlencoded') {
		entries = decodeUrlEncoded(await readBytes(request));
	} else if (type === 'multipart/form-data') {
		if (!/;\s*boundary=/i.test(request.headers.get('content-type') ?? '')) {
			throw new FormBodyError(400, 'The form was sent as multipart/form-data without a boundary.');
		}
		try {
			entries = [...(await request.formData())];
		} catch {
			throw new FormBodyError(
				400,
				'The form could not be read: its multipart body is malformed or cut short.'
			);
		}
	} else {
		throw new FormBodyError(
			415,
			'Send the form as application/x-www-form-urlencoded or multipart/form-data, as a browser does.'
		);
	}
	return cleanForm(entries, limits);
}

async function readBytes(request: Request): Promise<Uint8Array> {
	try {
		return new Uint8Array(await request.arrayBuffer());
	} catch {
		throw new FormBodyError(400, 'The form could not be read: the body was cut short.');
	}
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `a=1&b=%C3%A9`, as the URL standard parses it, but refusing bytes that are not UTF-8. */
export function decodeUrlEncoded(bytes: Uint8Array): [string, string][] {
	let text: string;
	try {
		text = utf8.decode(bytes);
	} catch {
		throw new FormBodyError(400, 'The form is not valid UTF-8 text.');
	}
	const entries: [string, string][] = [];
	for (const pair of text.split('&')) {
		if (!pair) continue;
		const eq = pair.indexOf('=');
		const rawName = eq < 0 ? pair : pair.slice(0, eq);
		const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
		entries.push([decodeComponent(rawName), decodeComponent(rawValue)]);
		if (entries.length > MAX_FIELDS * 10) break; // counted (and refused) in cleanForm
	}
	return entries;
}

function decodeComponent(raw: string): string {
	const plus = raw.replaceAll('+', ' ');
	try {
		return decodeURIComponent(plus);
	} catch {
		// A stray `%` that starts no escape is literal (as the URL standard says); bad UTF-8 is not.
		if (/%(?![0-9a-f]{2})/i.test(plus)) {
			try {
				return decodeURIComponent(plus.replace(/%(?![0-9a-f]{2})/gi, '%25'));
			} catch {
				// fall through
			}
		}
		throw new FormBodyError(400, 'The form is not valid UTF-8 text (a percent-escape is not UTF-8).');
	}
}

/** Counts, lengths and characters checked; a fresh FormData of what passed. */
export function cleanForm(
	entries: Iterable<[string, FormDataEntryValue]>,
	limits: FormLimits = {}
): FormData {
	const maxFields = limits.maxFields ?? MAX_FIELDS;
	const maxChars = limits.maxFieldChars ?? MAX_FIELD_CHARS;
	const form = new FormData();
	let count = 0;
	for (const [name, value] of entries) {
		if (++count > maxFields) {
			throw new FormBodyError(413, `The form has more than ${maxFields} fields.`);
		}
		checkText(name, 'A field name', maxChars);
		if (typeof value === 'string') {
			checkText(value, `The field “${printable(name)}”`, maxChars);
			form.append(name, value);
		} else {
			checkText(value.name, `The file name in “${printable(name)}”`, maxChars);
			form.append(name, value);
		}
	}
	return form;
}

function checkText(text: string, what: string, maxChars: number): void {
	if (text.length > maxChars) {
		throw new FormBodyError(413, `${what} is longer than ${maxChars.toLocaleString('en')} characters.`);
	}
	if (CONTROL.test(text)) {
		throw new FormBodyError(400, `${what} contains a control character (such as NUL), which is not allowed.`);
	}
	if (LONE_SURROGATE.test(text)) {
		throw new FormBodyError(400, `${what} is not valid Unicode text.`);
	}
}

/** A field name fit for a message: controls removed, at most 40 characters. */
function printable(name: string): string {
	// eslint-disable-next-line no-control-regex
	return name.replace(/[\u0000-\u001F\u007F]/g, '').slice(0, 40);
}
