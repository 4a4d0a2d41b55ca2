// How ticket pages write times: always in the event's own time zone, so the server's HTML and the
// hydrated page say the same thing wherever the fan's phone thinks it is.
const LOCALE = 'en-GB';

/** "Sat 12 Dec, 20:00" */
export function formatEventTime(at: Date | string, timeZone: string): string {
	return new Intl.DateTimeFormat(LOCALE, {
		timeZone,
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(new Date(at));
}

/** "12 December 2026" */
export function formatEventDay(at: Date | string, timeZone: string): string {
	return new Intl.DateTimeFormat(LOCALE, { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(
		new Date(at)
	);
}

/** "CET" / "GMT+1": said once per page so times are not ambiguous. */
export function zoneName(at: Date | string, timeZone: string): string {
	return (
		new Intl.DateTimeFormat(LOCALE, { timeZone, timeZoneName: 'short' })
			.formatToParts(new Date(at))
			.find((p) => p.type === 'timeZoneName')?.value ?? timeZone
	);
}

export const seatsText = (n: number) => (n === 1 ? '1 seat' : `${n} seats`);
