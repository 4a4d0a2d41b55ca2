// Staff form helpers shared by the event pages: the time-zone list and values to refill a form.
import type { Event, PresaleWindow } from '../db/schema';
import { instantToZoned } from './zoned-time';

/** Every IANA zone the runtime knows, for the time-zone field's suggestions. */
export function timeZones(): string[] {
	return Intl.supportedValuesOf('timeZone');
}

export function eventFormValues(ev: Event): Record<string, string> {
	return {
		title: ev.title,
		venue: ev.venue,
		timeZone: ev.timeZone,
		startsAt: instantToZoned(ev.startsAt, ev.timeZone),
		publicSaleAt: instantToZoned(ev.publicSaleAt, ev.timeZone),
		imageUrl: ev.imageUrl ?? '',
		capacity: String(ev.capacity)
	};
}

export function weightValues(w: PresaleWindow): Record<string, string> {
	const values: Record<string, string> = {
		tenurePercent: String(Math.round(w.drawWeights.tenurePerYear * 100)),
		tenureCapYears: String(w.drawWeights.tenureCapYears)
	};
	for (const [rank, weight] of Object.entries(w.drawWeights.tiers)) values[`weight-${rank}`] = String(weight);
	return values;
}
