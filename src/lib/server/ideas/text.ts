// Member-written text (ideas, board posts) is stored as plain text and always rendered escaped;
// this strips what has no place in it: control characters, HTML tags and runaway blank lines. Pure.

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g;
const TAG = /<\/?[a-zA-Z!][^<>]*>/g;

export function cleanText(raw: string): string {
	return raw
		.normalize('NFC')
		.replace(/\r\n?/g, '\n')
		.replace(CONTROL, '')
		.replace(TAG, '')
		.replace(/[ \t]+\n/g, '\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

/** One line: titles and reasons. */
export function cleanLine(raw: string): string {
	return cleanText(raw).replace(/\s+/g, ' ');
}

export type TextCheck = { ok: true; value: string } | { ok: false; message: string };

export function checkLength(value: string, min: number, max: number, what: string): TextCheck {
	const n = [...value].length;
	if (n < min)
		return {
			ok: false,
			message: min <= 1 ? `Write ${what}.` : `Write at least ${min} characters for ${what}.`
		};
	if (n > max) return { ok: false, message: `Keep ${what} to ${max} characters (it has ${n}).` };
	return { ok: true, value };
}
