// The period the insights page shows, from its GET parameters: a preset (last 30, 90 or 365
// days, today included) or custom dates. Pure; bad input falls back to 30 days with a message.
import { addDays, daysBetween } from './metrics';

export const PRESETS = [30, 90, 365] as const;
export const MAX_DAYS = 3 * 366;

export interface Period {
	/** First day, inclusive. */
	from: string;
	/** Last day shown, inclusive ("to" in the form). */
	last: string;
	/** The day after `last`: the period is [from, to). */
	to: string;
	days: number;
	preset: number | null;
	error: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (v: string | null): v is string =>
	v !== null &&
	DAY.test(v) &&
	!Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
	new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

function preset(days: number, today: string, error: string | null = null): Period {
	return { from: addDays(today, -(days - 1)), last: today, to: addDays(today, 1), days, preset: days, error };
}

export function parsePeriod(params: URLSearchParams, today: string): Period {
	const range = params.get('range');
	if (range === 'custom' || (range === null && (params.has('from') || params.has('to')))) {
		const from = params.get('from');
		const last = params.get('to') || today;
		if (!isDay(from) || !isDay(last)) return preset(30, today, 'Enter both dates as dates (YYYY-MM-DD).');
		if (from > last) return preset(30, today, 'The start date must be on or before the end date.');
		if (last > today) return preset(30, today, 'The end date cannot be in the future.');
		const to = addDays(last, 1);
		const days = daysBetween(from, to);
		if (days > MAX_DAYS) return preset(30, today, 'Choose a period of at most three years.');
		return { from, last, to, days, preset: null, error: null };
	}
	const n = Number(range ?? 30);
	if (!(PRESETS as readonly number[]).includes(n))
		return preset(30, today, range ? 'Choose one of the periods.' : null);
	return preset(n, today);
}

/** The query string of a period, for links (CSV downloads) that keep it. */
export function periodQuery(p: Period): string {
	return p.preset ? `range=${p.preset}` : `range=custom&from=${p.from}&to=${p.last}`;
}
