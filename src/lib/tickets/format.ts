// How ticket pages write seats. Times are written in the event's own time zone by $lib/time
// (formatEventTime, formatDate, zoneAbbreviation), like every other time.
export const seatsText = (n: number) => (n === 1 ? '1 seat' : `${n} seats`);
