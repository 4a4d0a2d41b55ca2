// What staff type into a datetime-local field is a wall clock with no zone ("2026-05-14T19:30"),
// meant on the house's clock (or an event's venue clock); the database keeps instants. Temporal
// (the polyfill, server-side only: it never reaches the browser) does the conversion and says
// when the clock skips the time (spring forward) or shows it twice (fall back): such a time is
// refused with a message rather than guessed. Pure: the zone is an argument. Reading times back
// out (prefilling a field, printing a time) is in $lib/time, which pages share.
import { Temporal } from '@js-temporal/polyfill';
import { formatDate, zonePlace } from '$lib/time';

// What a datetime-local input sends (seconds appear when the field has a step), or a space for the T.
const WALL_CLOCK = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)$/;

export type WallClockProblem = 'malformed' | 'skipped' | 'repeated';

export type WallClock =
	| { ok: true; at: Date }
	| {
			ok: false;
			problem: WallClockProblem;
			/** For `skipped` and `repeated`: says what the clocks do that night and what to choose. */
			message: string;
	  };

/**
 * "2026-05-14T19:30" on `zone`'s clock → the instant. Malformed or impossible dates
 * ("2026-02-30T10:00") are `malformed`: the caller says which field wants what. A time the clocks
 * skip or repeat is refused with a message naming the change.
 */
export function wallClockToInstant(local: string, zone: string): WallClock {
	const m = WALL_CLOCK.exec(local.trim());
	let plain: Temporal.PlainDateTime;
	try {
		if (!m) throw new RangeError('not a wall clock');
		plain = Temporal.PlainDateTime.from(`${m[1]}T${m[2]}`, { overflow: 'reject' });
	} catch {
		return { ok: false, problem: 'malformed', message: 'Use a date and time like 2026-05-14 19:30.' };
	}
	let earlier: Temporal.ZonedDateTime;
	let later: Temporal.ZonedDateTime;
	try {
		earlier = plain.toZonedDateTime(zone, { disambiguation: 'earlier' });
		later = plain.toZonedDateTime(zone, { disambiguation: 'later' });
	} catch {
		return { ok: false, problem: 'malformed', message: `“${zone}” is not a time zone.` };
	}
	if (earlier.epochMilliseconds === later.epochMilliseconds)
		return { ok: true, at: new Date(earlier.epochMilliseconds) };

	// The clocks change between the two readings: find the change, to say what it is.
	const change = earlier.getTimeZoneTransition('next')!;
	const before = change.subtract({ nanoseconds: 1 }).toPlainDateTime().add({ nanoseconds: 1 });
	const after = change.toPlainDateTime();
	const hhmm = (t: Temporal.PlainDateTime) => t.toPlainTime().toString({ smallestUnit: 'minute' });
	const time = hhmm(plain);
	const day = formatDate(change.epochMilliseconds, zone);
	const place = zonePlace(zone);
	if (Temporal.PlainDateTime.compare(after, before) > 0) {
		return {
			ok: false,
			problem: 'skipped',
			message: `The clocks in ${place} go forward from ${hhmm(before)} to ${hhmm(after)} on ${day}, so ${time} does not exist that night: choose another time.`
		};
	}
	return {
		ok: false,
		problem: 'repeated',
		message: `The clocks in ${place} go back from ${hhmm(before)} to ${hhmm(after)} on ${day}, so ${time} happens twice that night: choose a time before ${hhmm(after)} or from ${hhmm(before)}.`
	};
}

/**
 * The first instant of a calendar day ("2026-06-30") on `zone`'s clock: midnight, or whenever a
 * clock change lets that day begin. `days` moves to a later day first. Null when it is not a real day.
 */
export function startOfDay(day: string, zone: string, days = 0): Date | null {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
	try {
		const start = Temporal.PlainDate.from(day, { overflow: 'reject' }).add({ days }).toZonedDateTime(zone);
		return new Date(start.epochMilliseconds);
	} catch {
		return null;
	}
}

/** The last second of a calendar day on `zone`'s clock: an end date staff type is inclusive. */
export function endOfDay(day: string, zone: string): Date | null {
	const next = startOfDay(day, zone, 1);
	return next && new Date(next.getTime() - 1000);
}

/**
 * The instant, or the message for the field: `missing` when it is not a date and time at all,
 * the clock change otherwise. For form parsers that keep one message per field.
 */
export function parseWallClock(
	local: string,
	zone: string,
	missing: string
): { ok: true; at: Date } | { ok: false; message: string } {
	const result = wallClockToInstant(local, zone);
	if (result.ok) return result;
	return { ok: false, message: result.problem === 'malformed' ? missing : result.message };
}
