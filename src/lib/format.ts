// Formatting shared by pages: one place for how numbers and money read (times: $lib/time, on a
// named clock). Intl formatters are costly to build and a page formats dozens of values, so each
// is built once and reused.
const LOCALE = 'en-GB';

const memo = <T>(make: (key: string) => T) => {
	const cache = new Map<string, T>();
	return (key: string) => {
		let value = cache.get(key);
		if (value === undefined) cache.set(key, (value = make(key)));
		return value;
	};
};

const numberFormat = new Intl.NumberFormat(LOCALE);
export const formatPoints = (n: number) => numberFormat.format(n);

export const formatSignedPoints = (n: number) => (n > 0 ? `+${formatPoints(n)}` : formatPoints(n));

const moneyFormat = memo((key) => {
	const [currency, whole] = key.split(':');
	return new Intl.NumberFormat('en-IE', {
		style: 'currency',
		currency,
		minimumFractionDigits: whole === '1' ? 0 : 2
	});
});

export function formatMoney(minor: number, currency: string): string {
	return moneyFormat(`${currency.toUpperCase()}:${minor % 100 === 0 ? 1 : 0}`).format(minor / 100);
}

/** How moments greet a member: the first word of their display name. */
export const firstName = (displayName: string) => displayName.split(/\s+/)[0];
