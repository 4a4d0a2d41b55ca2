// Every staff export's CSV (the members directory, a show's presale codes, each insight): RFC 4180
// (CRLF rows, quotes doubled, fields with a comma, quote or line break quoted), written by
// csv-stringify and safe to open in a spreadsheet: a text cell a spreadsheet would run as a
// formula (starting with = + - @, a tab or a carriage return, or their full-width forms) gets an
// apostrophe first, so a member named "=HYPERLINK(…)" stays text. Numbers are never formulas.
// Pure; callers stream large exports a chunk of rows at a time.
import { stringify, type Options } from 'csv-stringify/sync';

export type CsvValue = string | number | boolean | Date | null | undefined;

export interface CsvOptions {
	/** Quote every cell, empty ones too (the box office's code list has always been written so). */
	quoteAll?: boolean;
	/** How a number is written, by its column (default: as JavaScript writes it). */
	formatNumber?: (value: number, column: number) => string;
}

const BASE: Options = {
	record_delimiter: 'windows',
	// With our own record delimiter csv-stringify would leave a lone \n or \r unquoted.
	quote_record_delimiter: true,
	escape_formulas: true,
	cast: {
		date: (d) => d.toISOString(),
		boolean: (b) => (b ? 'true' : 'false')
	}
};
const QUOTE_ALL: Options = { ...BASE, quoted: true, quoted_empty: true };

function optionsFor(options: CsvOptions): Options {
	const base = options.quoteAll ? QUOTE_ALL : BASE;
	const formatNumber = options.formatNumber;
	if (!formatNumber) return base;
	return { ...base, cast: { ...base.cast, number: (n, context) => formatNumber(n, Number(context.index)) } };
}

/** Rows of cells, each line ending in CRLF. */
export function csvRows(rows: readonly (readonly CsvValue[])[], options: CsvOptions = {}): string {
	if (rows.length === 0) return '';
	return stringify(rows as CsvValue[][], optionsFor(options));
}

/** One line, CRLF-terminated. */
export function csvRow(cells: readonly CsvValue[], options: CsvOptions = {}): string {
	return csvRows([cells], options);
}

/** One cell as it appears in a line. */
export function csvCell(value: CsvValue, options: CsvOptions = {}): string {
	return csvRow([value], options).slice(0, -2);
}

/** A whole file: the header line (never quoted beyond need), then the rows. */
export function csvTable(
	header: readonly string[],
	rows: readonly (readonly CsvValue[])[],
	options: CsvOptions = {}
): string {
	return csvRow(header) + csvRows(rows, options);
}
