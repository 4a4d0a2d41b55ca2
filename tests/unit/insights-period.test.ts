import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '$lib/server/insights/csv';
import { parsePeriod } from '$lib/server/insights/period';

const q = (s: string) => new URLSearchParams(s);

describe('the insights period', () => {
	it('defaults to the last 30 days, today included', () => {
		expect(parsePeriod(q(''), '2026-11-27')).toEqual({
			from: '2026-10-29',
			last: '2026-11-27',
			to: '2026-11-28',
			days: 30,
			preset: 30,
			error: null
		});
		expect(parsePeriod(q('range=365'), '2026-11-27')).toMatchObject({ from: '2025-11-28', days: 365 });
	});

	it('takes custom dates and refuses bad ones with a message, never an exception', () => {
		expect(parsePeriod(q('range=custom&from=2026-01-01&to=2026-03-31'), '2026-11-27')).toMatchObject({
			from: '2026-01-01',
			to: '2026-04-01',
			days: 90,
			preset: null,
			error: null
		});
		for (const bad of [
			'from=2026-02-30&to=2026-03-01',
			'from=x&to=y',
			'from=2026-03-01&to=2026-01-01',
			'from=2026-01-01&to=2027-01-01',
			'from=2019-01-01&to=2026-01-01',
			'range=7'
		]) {
			const p = parsePeriod(q(`range=${bad.startsWith('range') ? '7' : 'custom'}&${bad}`), '2026-11-27');
			expect(p.error).toBeTruthy();
			expect(p.days).toBe(30);
		}
	});
});

describe('insight CSV', () => {
	it('quotes text, writes money in major units and disarms formulas', () => {
		expect(csvCell('=HYPERLINK("x")', 'text')).toBe(`"'=HYPERLINK(""x"")"`);
		expect(csvCell('-2', 'text')).toBe(`'-2`);
		expect(csvCell('Plain, with comma', 'text')).toBe('"Plain, with comma"');
		expect(csvCell(-1250, 'money')).toBe('-12.50');
		expect(csvCell(0.5, 'share')).toBe('0.5000');
		expect(csvCell(null, 'int')).toBe('');
		expect(
			toCsv({
				columns: [
					{ label: 'Tier', type: 'text' },
					{ label: 'MRR', type: 'money' }
				],
				rows: [['Patron', 1500]]
			})
		).toBe('Tier,MRR\r\nPatron,15.00\r\n');
	});
});
