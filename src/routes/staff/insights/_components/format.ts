// How the insights read: one set of formatters for the page's currency, day and ladder, built
// once per page and handed to every panel, so the pictures, the table views and the KPIs agree.
import { formatMoney, formatPoints } from '$lib/format';
import { calendarDay, formatCalendarDay } from '$lib/time';
import type { Cell, CellType, Table } from '$lib/insights/tables';
import type { PageData } from '../$types';

export type Insights = PageData['insights'];

export interface LadderTier {
	rank: number;
	name: string;
	colour: string;
}

/** What every panel frame shows besides its picture (see Panel.svelte). */
export interface PanelFrame {
	id: string;
	title: string;
	definition: string;
	table: Table;
	csvHref: string;
	format: (value: Cell, type: CellType) => string;
}

export function insightFormat(currency: string, today: string, tiers: readonly LadderTier[], zone: string) {
	const percent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
	const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
	const compact = new Intl.NumberFormat('en-IE', {
		style: 'currency',
		currency: currency.toUpperCase(),
		notation: 'compact',
		maximumFractionDigits: 1
	});
	const share = (v: number | null) => (v === null ? '—' : percent.format(v));
	const money = (minor: number | null) => (minor === null ? '—' : formatMoney(minor, currency));
	const signedMoney = (minor: number) =>
		(minor > 0 ? '+' : minor < 0 ? '−' : '') + formatMoney(Math.abs(minor), currency);
	const shortDay = (day: string) => (day ? formatCalendarDay(day, today) : '');
	/** The house day an instant fell on, short. */
	const instantDay = (at: string | Date) => shortDay(calendarDay(at, zone));
	const tier = (rank: number) => tiers.find((t) => t.rank === rank);

	function cell(value: Cell, type: CellType): string {
		if (value === null) return '—';
		if (typeof value === 'string') return type === 'day' ? shortDay(value) : value;
		switch (type) {
			case 'share':
				return percent.format(value);
			case 'money':
				return formatMoney(value, currency);
			case 'months':
				return `${decimal.format(value)} months`;
			case 'ratio':
				return decimal.format(value);
			default:
				return formatPoints(value);
		}
	}

	return {
		points: formatPoints,
		percent: (v: number) => percent.format(v),
		decimal: (v: number) => decimal.format(v),
		share,
		money,
		signedMoney,
		compactMoney: (minor: number) => compact.format(minor / 100),
		shortDay,
		instantDay,
		cell,
		tierName: (rank: number) => tier(rank)?.name ?? `Rank ${rank}`,
		tierColour: (rank: number) => tier(rank)?.colour ?? 'var(--color-primary)'
	};
}

export type InsightFormat = ReturnType<typeof insightFormat>;
