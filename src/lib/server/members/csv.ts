// CSV for staff exports (RFC 4180), safe to open in a spreadsheet: a cell that a spreadsheet would
// read as a formula (starting with = + - @, or a tab or carriage return) is prefixed with an
// apostrophe, so a member named "=HYPERLINK(…)" stays text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | Date | null | undefined): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	let text = value instanceof Date ? value.toISOString() : value;
	if (FORMULA_START.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line, CRLF-terminated as RFC 4180 says. */
export function csvRow(cells: readonly (string | number | boolean | Date | null | undefined)[]): string {
	return cells.map(csvCell).join(',') + '\r\n';
}
