// The viewer's own time zone, to name the house's clock where a time could mislead: "19:30
// (Brussels time)" on a phone set to New York, plain "19:30" in Brussels. It is learnt once the
// page has mounted: the server cannot know it, and hydration must print what the server printed.
import { wallClock, zoneLabel } from './time';

let device = $state<string | null>(null);

/** Called by the root layout once mounted. */
export function learnDeviceZone(): void {
	device = Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** " (Brussels time)" when the device's clock reads `at` differently from `zone`'s, else "". */
export function zoneNote(zone: string, at: Date | string | number = Date.now()): string {
	if (!device || device === zone || wallClock(at, device) === wallClock(at, zone)) return '';
	return ` (${zoneLabel(zone)})`;
}
