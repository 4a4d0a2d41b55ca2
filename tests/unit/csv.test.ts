// The one CSV writer behind every staff export: RFC 4180 quoting, CRLF rows, and cells a
// spreadsheet would run as formulas kept as text (the members, codes and insights files).
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, csvRows, csvTable } from '$lib/server/csv';

describe('CSV cells', () => {
	it('quotes commas, quotes and line breaks', () => {
		expect(csvCell('plain')).toBe('plain');
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('two\nlines')).toBe('"two\nlines"');
		expect(csvCell(null)).toBe('');
		expect(csvCell(-5)).toBe('-5');
		expect(csvCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
	});

	it('keeps text that a spreadsheet would run as a formula as text', () => {
		for (const evil of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx'])
			expect(csvCell(evil).replace(/^"/, '')).toMatch(/^'/);
		expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
		expect(csvCell('a=b')).toBe('a=b');
	});

	it('ends rows with CRLF', () => {
		expect(csvRow(['a', 1, true, null])).toBe('a,1,true,\r\n');
	});
});

describe('the writer’s options and edges', () => {
	it('disarms the full-width formula signs too, never numbers, and quotes a lone carriage return', () => {
		for (const evil of ['＝1+1', '＋SUM(A1)', '－2', '＠cmd']) expect(csvCell(evil)).toBe(`'${evil}`);
		expect(csvCell('\rx')).toBe(`"'\rx"`);
		expect(csvRow([-5, -0.5, 'x'])).toBe('-5,-0.5,x\r\n');
		expect(csvCell(false)).toBe('false');
	});

	it('quotes every cell, empty ones too, when asked (the box office’s codes)', () => {
		expect(
			csvRow(['TKT-1', 'claimed', 2, null, '', new Date('2026-01-02T03:04:05Z')], { quoteAll: true })
		).toBe('"TKT-1","claimed","2","","","2026-01-02T03:04:05.000Z"\r\n');
		expect(csvRow(['=x'], { quoteAll: true })).toBe(`"'=x"\r\n`);
	});

	it('writes numbers by column and keeps the header plain', () => {
		const byColumn = (n: number, column: number) => (column === 1 ? (n / 100).toFixed(2) : String(n));
		expect(csvTable(['Tier', 'MRR'], [['Patron', -1250]], { formatNumber: byColumn })).toBe(
			'Tier,MRR\r\nPatron,-12.50\r\n'
		);
		expect(csvTable(['code', 'status'], [], { quoteAll: true })).toBe('code,status\r\n');
		expect(csvRows([])).toBe('');
	});

	it('writes rows the way the members export streams them, 2,000 at a time', () => {
		const chunk = Array.from({ length: 2000 }, (_, i) => [`id-${i}`, `=Name ${i}`, i, true, new Date(0)]);
		let lines = 0;
		for (let c = 0; c < 10; c++) lines += csvRows(chunk).split('\r\n').length - 1;
		expect(lines).toBe(20_000);
		expect(csvRows(chunk.slice(0, 1))).toBe(`id-0,'=Name 0,0,true,1970-01-01T00:00:00.000Z\r\n`);
	});
});
