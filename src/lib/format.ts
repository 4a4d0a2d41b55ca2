// Formatting shared by pages: one place for how numbers, money and dates read.
const LOCALE = 'en-GB';

export const formatPoints = (n: number) => n.toLocaleString(LOCALE);

export const formatSignedPoints = (n: number) => (n > 0 ? `+${formatPoints(n)}` : formatPoints(n));

export function formatMoney(minor: number, currency: string): string {
	return new Intl.NumberFormat('en-IE', {
		style: 'currency',
		currency: currency.toUpperCase(),
		minimumFractionDigits: minor % 100 === 0 ? 0 : 2
	}).format(minor / 100);
}

/** "14 May" this year, "14 May 2027" otherwise. */
export function formatDay(value: Date | string, now = new Date()): string {
	const d = new Date(value);
	const sameYear = d.getFullYear() === now.getFullYear();
	return d.toLocaleDateString(LOCALE, {
		day: 'numeric',
		month: 'long',
		...(sameYear ? {} : { year: 'numeric' })
	});
}

export function formatDateTime(value: Date | string): string {
	return new Date(value).toLocaleString(LOCALE, {
		day: 'numeric',
		month: 'short',
		hour: '2-digit',
		minute: '2-digit'
	});
}
