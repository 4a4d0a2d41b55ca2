// Wall-clock times in an IANA time zone ↔ instants. Staff type "2026-12-12T20:00" meaning the
// show's local time; the database keeps the instant. Pure (Intl only).

/** Whether the runtime knows the zone. */
export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-GB', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).formatToParts(new Date(instant));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second')
	);
	return asUtc - Math.floor(instant / 1000) * 1000;
}

/** "2026-12-12T20:00" in `timeZone` → the instant, or null for a malformed value. */
export function zonedToInstant(local: string, timeZone: string): Date | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local.trim());
	if (!m) return null;
	const [, y, mo, d, h, mi] = m.map(Number);
	const wall = Date.UTC(y, mo - 1, d, h, mi);
	if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== d) return null;
	// Two passes settle daylight-saving edges.
	let instant = wall - offsetAt(wall, timeZone);
	instant = wall - offsetAt(instant, timeZone);
	return new Date(instant);
}

/** The instant as "2026-12-12T20:00" in `timeZone`, for a datetime-local input. */
export function instantToZoned(at: Date, timeZone: string): string {
	const local = new Date(at.getTime() + offsetAt(at.getTime(), timeZone));
	return local.toISOString().slice(0, 16);
}
