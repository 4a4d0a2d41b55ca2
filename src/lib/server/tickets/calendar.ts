// An .ics file for a show, so fans can put it in their calendar (the `ics` package writes RFC 5545).
import { createEvent } from 'ics';
import type { Event } from '../db/schema';

const SHOW_LENGTH_MINUTES = 180;

export function eventCalendar(ev: Event, houseName: string, origin: string): string {
	const { error, value } = createEvent({
		uid: `event-${ev.id}@encore`,
		title: `${houseName}: ${ev.title}`,
		location: ev.venue,
		start: ev.startsAt.getTime(),
		startInputType: 'utc',
		startOutputType: 'utc',
		duration: { minutes: SHOW_LENGTH_MINUTES },
		url: `${origin}/tickets/${ev.slug}`,
		description: `Public sale: ${ev.publicSaleAt.toISOString()}. Bring your presale code (My presale codes).`,
		productId: 'encore/tickets'
	});
	if (error || !value) throw error ?? new Error('could not build the calendar file');
	return value;
}
