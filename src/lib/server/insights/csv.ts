// An insight's table as a CSV download: the page's columns and rows (insightTables), numbers as
// plain figures (money in major units, shares as fractions), through the one CSV writer.
import type { Cell, CellType, Table } from '$lib/insights/tables';
import { csvCell as writeCell, csvTable } from '../csv';

function formatNumber(value: number, type: CellType | undefined): string {
	if (type === 'money') return (value / 100).toFixed(2);
	if (type === 'share') return value.toFixed(4);
	if (type === 'months' || type === 'ratio') return value.toFixed(2);
	return String(value);
}

/** One cell as the download writes it. */
export function csvCell(value: Cell, type: CellType): string {
	return writeCell(value, { formatNumber: (n) => formatNumber(n, type) });
}

export function toCsv(table: Table): string {
	return csvTable(
		table.columns.map((c) => c.label),
		table.rows,
		{ formatNumber: (n, column) => formatNumber(n, table.columns[column]?.type) }
	);
}
