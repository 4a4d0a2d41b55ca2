// The staff forms for events and presale windows: raw form values in, typed values or a message
// per field out, and the values that refill a form. Pure: the caller supplies what the rules
// compare against (capacity, other windows).
import { z } from 'zod';
import type { DrawWeights, Event, PresaleMode, PresaleWindow } from '../db/schema';
import { isTimeZone, wallClock } from '$lib/time';
import { parseWallClock } from '../house-time';

export type FieldErrors = Record<string, string>;

export interface EventInput {
	title: string;
	venue: string;
	startsAt: Date;
	timeZone: string;
	imageUrl: string | null;
	publicSaleAt: Date;
	capacity: number;
}

const text = (max: number, empty: string, long: string) => z.string().trim().min(1, empty).max(max, long);

const eventShape = z.object({
	title: text(120, 'Give the event a title.', 'Keep the title under 120 characters.'),
	venue: text(120, 'Say where it happens.', 'Keep the venue under 120 characters.'),
	timeZone: z.string().trim().refine(isTimeZone, 'Choose a time zone such as Europe/Brussels.'),
	imageUrl: z
		.string()
		.trim()
		.max(500, 'That address is too long.')
		.refine(
			(v) => v === '' || /^https:\/\/[^\s]+$/.test(v) || /^\/[^\s/][^\s]*$/.test(v),
			'Use an https:// address, or leave it empty.'
		),
	capacity: z.coerce
		.number({ error: 'Enter a number of seats.' })
		.int('Use a whole number of seats.')
		.min(1, 'Set aside at least 1 seat.')
		.max(1_000_000, 'That is more seats than any venue has.')
});

function parseLocal(
	raw: unknown,
	zone: string,
	field: string,
	label: string,
	errors: FieldErrors
): Date | null {
	const value = typeof raw === 'string' ? raw : '';
	if (!value) {
		errors[field] = `Enter the ${label}.`;
		return null;
	}
	const missing = `Enter the ${label} as a date and time.`;
	const at = isTimeZone(zone)
		? parseWallClock(value, zone, missing)
		: { ok: false as const, message: missing };
	if (!at.ok) errors[field] = at.message;
	return at.ok ? at.at : null;
}

export function parseEventForm(
	raw: Record<string, string>,
	options: { minCapacity?: number } = {}
): { ok: true; data: EventInput } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const parsed = eventShape.safeParse({
		...raw,
		imageUrl: raw.imageUrl ?? '',
		capacity: raw.capacity || undefined
	});
	if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
	const zone = raw.timeZone?.trim() ?? '';
	const startsAt = parseLocal(raw.startsAt, zone, 'startsAt', 'start time', errors);
	const publicSaleAt = parseLocal(raw.publicSaleAt, zone, 'publicSaleAt', 'public on-sale time', errors);
	if (startsAt && publicSaleAt && publicSaleAt >= startsAt)
		errors.publicSaleAt = 'The public sale must start before the show.';
	if (parsed.success && options.minCapacity && parsed.data.capacity < options.minCapacity)
		errors.capacity = `The windows already hold ${options.minCapacity} seats: set at least that many.`;
	if (!parsed.success || !startsAt || !publicSaleAt || Object.keys(errors).length > 0)
		return { ok: false, errors };
	return {
		ok: true,
		data: { ...parsed.data, imageUrl: parsed.data.imageUrl || null, startsAt, publicSaleAt }
	};
}

export interface WindowInput {
	minRank: number;
	opensAt: Date;
	closesAt: Date;
	mode: PresaleMode;
	allocation: number;
	perMemberLimit: number;
	claimHours: number;
	drawWeights: DrawWeights;
}

const windowShape = z.object({
	mode: z.enum(['first_come', 'draw'], { error: 'Choose first come or draw.' }),
	allocation: z.coerce
		.number({ error: 'Enter a number of seats.' })
		.int('Use a whole number of seats.')
		.min(1, 'Give the window at least 1 seat.'),
	perMemberLimit: z.coerce
		.number({ error: 'Enter a number.' })
		.int('Use a whole number.')
		.min(1, 'Allow at least 1 seat per member.')
		.max(10, 'At most 10 seats per member.'),
	claimHours: z.coerce
		.number({ error: 'Enter a number of hours.' })
		.int('Use whole hours.')
		.min(1, 'Give winners at least 1 hour.')
		.max(336, 'At most 336 hours (two weeks).')
});

/** Tier weights (`weight-<rank>`) and the tenure bonus, as a staff form sends them. */
export function parseWeights(
	raw: Record<string, string>,
	ranks: readonly number[],
	errors: FieldErrors
): DrawWeights {
	const tiers: Record<string, number> = {};
	for (const rank of ranks) {
		const value = raw[`weight-${rank}`] ?? '1';
		const n = Number(value);
		if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 100)
			errors[`weight-${rank}`] = 'Use a weight above 0, up to 100.';
		else tiers[String(rank)] = n;
	}
	const perYear = Number(raw.tenurePercent ?? '10');
	if (!Number.isFinite(perYear) || perYear < 0 || perYear > 100)
		errors.tenurePercent = 'Use a percentage from 0 to 100.';
	const cap = Number(raw.tenureCapYears ?? '5');
	if (!Number.isInteger(cap) || cap < 0 || cap > 50) errors.tenureCapYears = 'Use whole years, 0 to 50.';
	return { tiers, tenurePerYear: perYear / 100, tenureCapYears: cap };
}

export function parseWindowForm(
	raw: Record<string, string>,
	context: {
		timeZone: string;
		publicSaleAt: Date;
		/** Seats the event can still give to windows (capacity minus the other windows). */
		seatsAvailable: number;
		ranks: readonly number[];
	}
): { ok: true; data: WindowInput } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const parsed = windowShape.safeParse({
		mode: raw.mode,
		allocation: raw.allocation || undefined,
		perMemberLimit: raw.perMemberLimit || undefined,
		claimHours: raw.claimHours || '48'
	});
	if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
	const minRank = Number(raw.minRank);
	if (!context.ranks.includes(minRank)) errors.minRank = 'Choose which tiers may take part.';
	const opensAt = parseLocal(raw.opensAt, context.timeZone, 'opensAt', 'opening time', errors);
	const closesAt = parseLocal(raw.closesAt, context.timeZone, 'closesAt', 'closing time', errors);
	if (opensAt && closesAt && closesAt <= opensAt) errors.closesAt = 'The window must close after it opens.';
	if (closesAt && closesAt > context.publicSaleAt)
		errors.closesAt = 'Close the window before the public sale starts.';
	if (parsed.success && parsed.data.allocation > context.seatsAvailable)
		errors.allocation =
			context.seatsAvailable > 0
				? `Only ${context.seatsAvailable} early-access seats are left for new windows.`
				: 'All early-access seats are already given to other windows: raise the capacity first.';
	if (parsed.success && parsed.data.perMemberLimit > parsed.data.allocation)
		errors.perMemberLimit = 'The limit per member cannot exceed the seats in the window.';
	const drawWeights = parseWeights(raw, context.ranks, errors);
	if (!parsed.success || !opensAt || !closesAt || Object.keys(errors).length > 0)
		return { ok: false, errors };
	return { ok: true, data: { ...parsed.data, minRank, opensAt, closesAt, drawWeights } };
}

/** "Dec Show at the Depot" → "dec-show-at-the-depot". */
export function slugify(title: string): string {
	return (
		title
			.normalize('NFKD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 50)
			.replace(/-+$/, '') || 'event'
	);
}

// Values that refill the staff forms.
/** Every IANA zone the runtime knows, for the time-zone field's suggestions. */
export function timeZones(): string[] {
	return Intl.supportedValuesOf('timeZone');
}

export function eventFormValues(ev: Event): Record<string, string> {
	return {
		title: ev.title,
		venue: ev.venue,
		timeZone: ev.timeZone,
		startsAt: wallClock(ev.startsAt, ev.timeZone),
		publicSaleAt: wallClock(ev.publicSaleAt, ev.timeZone),
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
