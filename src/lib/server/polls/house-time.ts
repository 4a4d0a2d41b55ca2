// Staff type times in the house's own time zone (a <input type="datetime-local"> has no zone);
// the database stores instants. Pure: the zone is an argument.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** How far the zone's wall clock is ahead of UTC at `ms`, in milliseconds. */
function zoneOffset(ms: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).formatToParts(new Date(ms));
	const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
	const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return wall - Math.floor(ms / 1000) * 1000;
}

/** "2026-05-14T19:30" in the house zone → the instant; null when it is not such a string. */
export function houseLocalToUtc(local: string, timeZone: string): Date | null {
	const m = LOCAL.exec(local.trim());
	if (!m) return null;
	const [y, mo, d, h, mi] = m.slice(1).map(Number);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
	const asUtc = Date.UTC(y, mo - 1, d, h, mi);
	// Twice: the offset at the guessed instant may differ across a daylight-saving change.
	let t = asUtc - zoneOffset(asUtc, timeZone);
	t = asUtc - zoneOffset(t, timeZone);
	return new Date(t);
}

/** The instant as "YYYY-MM-DDTHH:mm" on the house clock, to prefill datetime-local inputs. */
export function utcToHouseLocal(at: Date, timeZone: string): string {
	const local = new Date(at.getTime() + zoneOffset(at.getTime(), timeZone));
	return local.toISOString().slice(0, 16);
}
