// How every time a person reads is written: on the clock of a named zone (the house's, or an
// event's venue), never the runtime's, so the server's HTML and the hydrated page say the same
// thing wherever the server or the phone thinks it is. Pure, Intl only (nothing added to the
// browser's bundle); typed wall-clock times become instants in $lib/server/house-time.
const LOCALE = 'en-GB';

type When = Date | string | number;

// Building a formatter costs ~70 µs, using one ~1 µs, and a page formats dozens of values.
const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${zone}\u0000${JSON.stringify(options)}`;
	let format = formats.get(key);
	if (!format) formats.set(key, (format = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: zone })));
	return format;
}

const CLOCK = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;

/** "14 May" when it falls in the zone's current year, "14 May 2027" otherwise. */
export function formatDay(value: When, zone: string, now: When = new Date()): string {
	const at = new Date(value);
	const sameYear = calendarDay(at, zone).slice(0, 4) === calendarDay(new Date(now), zone).slice(0, 4);
	return formatter(zone, { day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(
		at
	);
}

/** "14 May 2026". */
export function formatDate(value: When, zone: string): string {
	return formatter(zone, { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(value));
}

/** "12 Dec". */
export function formatShortDay(value: When, zone: string): string {
	return formatter(zone, { day: 'numeric', month: 'short' }).format(new Date(value));
}

/** "May 2026". */
export function formatMonthYear(value: When, zone: string): string {
	return formatter(zone, { month: 'long', year: 'numeric' }).format(new Date(value));
}

/** "14 May, 19:30". */
export function formatDateTime(value: When, zone: string): string {
	return formatter(zone, { day: 'numeric', month: 'short', ...CLOCK }).format(new Date(value));
}

/** "14 May 2026, 19:30": a stamp that may be years old. */
export function formatFullDateTime(value: When, zone: string): string {
	return formatter(zone, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(
		new Date(value)
	);
}

/** "Sat 12 Dec, 20:00": how event pages write a show's times. */
export function formatEventTime(value: When, zone: string): string {
	return formatter(zone, { weekday: 'short', day: 'numeric', month: 'short', ...CLOCK }).format(
		new Date(value)
	);
}

/** "19:30". */
export function formatTime(value: When, zone: string): string {
	return formatter(zone, CLOCK).format(new Date(value));
}

/** "Friday". */
export function formatWeekday(value: When, zone: string): string {
	return formatter(zone, { weekday: 'long' }).format(new Date(value));
}

/** A calendar day ("2026-05-14", no instant) as "14 May", with the year when it is not `today`'s. */
export function formatCalendarDay(day: string, today: string): string {
	return formatDay(`${day}T12:00:00Z`, 'UTC', `${today}T12:00:00Z`);
}

/** "CET" / "GMT+1" at that instant: said once per page so times are not ambiguous. */
export function zoneAbbreviation(value: When, zone: string): string {
	return (
		formatter(zone, { timeZoneName: 'short' })
			.formatToParts(new Date(value))
			.find((p) => p.type === 'timeZoneName')?.value ?? zone
	);
}

/** "Europe/Brussels" → "Brussels", "America/New_York" → "New York", "UTC" → "UTC". */
export function zonePlace(zone: string): string {
	return (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
}

/** "Brussels time": how a time is said to be on that clock. */
export function zoneLabel(zone: string): string {
	return `${zonePlace(zone)} time`;
}

/** The calendar day of an instant on the zone's clock, e.g. "2026-11-27": daily caps reset at its midnight. */
export function calendarDay(value: When, zone: string): string {
	// en-CA writes days as YYYY-MM-DD.
	const key = `day\u0000${zone}`;
	let format = formats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat('en-CA', {
			timeZone: zone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit'
		});
		formats.set(key, format);
	}
	return format.format(new Date(value));
}

/** The instant as the zone's wall clock, "2026-05-14T19:30": what a datetime-local input shows. */
export function wallClock(value: When, zone: string): string {
	const parts = formatter(zone, {
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		...CLOCK
	}).formatToParts(new Date(value));
	const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
	return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** Whether the runtime knows the zone ("Europe/Brussels" yes, "Mars/Base" no). */
export function isTimeZone(zone: string): boolean {
	if (!zone) return false;
	try {
		new Intl.DateTimeFormat(LOCALE, { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}
