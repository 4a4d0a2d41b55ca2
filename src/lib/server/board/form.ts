// Staff forms for boards, invitations and sessions: raw fields in, values or messages out. Pure.
import { checkLength, cleanLine, cleanText } from '../ideas/text';
import { parseWallClock } from '../house-time';
import type { NewBoard } from './store';

type Fields = Record<string, string>;
type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

export function parseBoardForm(f: Fields, timeZone: string, now = new Date()): Parsed<NewBoard> {
	const errors: Record<string, string> = {};
	const name = checkLength(cleanLine(f.name ?? ''), 3, 80, 'the name');
	if (!name.ok) errors.name = name.message;
	const purpose = checkLength(cleanText(f.purpose ?? ''), 0, 1000, 'the purpose');
	if (!purpose.ok) errors.purpose = purpose.message;
	const seats = Number((f.seats ?? '').trim());
	if (!Number.isInteger(seats) || seats < 1 || seats > 500)
		errors.seats = 'Give a whole number of seats from 1 to 500.';
	// The term ends at the end of that day on the house clock (23:59 never falls in a clock change).
	const term = /^\d{4}-\d{2}-\d{2}$/.test(f.termEndsAt ?? '')
		? parseWallClock(`${f.termEndsAt}T23:59`, timeZone, 'Give the date the term ends.')
		: ({ ok: false, message: 'Give the date the term ends.' } as const);
	const termEndsAt = term.ok ? term.at : null;
	if (!term.ok) errors.termEndsAt = term.message;
	else if (term.at <= now) errors.termEndsAt = 'The term must end in the future.';
	if (Object.keys(errors).length || !name.ok || !purpose.ok) return { ok: false, errors };
	return { ok: true, value: { name: name.value, purpose: purpose.value, seats, termEndsAt: termEndsAt! } };
}

export function parseDeadline(raw: string, timeZone: string, now = new Date()): Parsed<Date> {
	const parsed = parseWallClock(raw ?? '', timeZone, 'Give the date and time by which members must answer.');
	if (!parsed.ok) return { ok: false, errors: { deadline: parsed.message } };
	const at = parsed.at;
	if (at <= now) return { ok: false, errors: { deadline: 'The deadline must be in the future.' } };
	return { ok: true, value: at };
}

export function parseSessionForm(
	f: Fields,
	timeZone: string,
	now = new Date()
): Parsed<{ title: string; startsAt: Date; link: string }> {
	const errors: Record<string, string> = {};
	const title = checkLength(cleanLine(f.title ?? ''), 3, 120, 'the title');
	if (!title.ok) errors.title = title.message;
	const starts = parseWallClock(f.startsAt ?? '', timeZone, 'Give the date and time of the session.');
	const startsAt = starts.ok ? starts.at : null;
	if (!starts.ok) errors.startsAt = starts.message;
	else if (starts.at <= now) errors.startsAt = 'The session must be in the future.';
	const link = (f.link ?? '').trim();
	const linkOk = isWebLink(link);
	if (!linkOk) errors.link = 'Give the full meeting link, like https://meet.example.com/board.';
	if (Object.keys(errors).length || !title.ok) return { ok: false, errors };
	return { ok: true, value: { title: title.value, startsAt: startsAt!, link } };
}

function isWebLink(link: string): boolean {
	if (link.length > 500) return false;
	try {
		const u = new URL(link);
		return u.protocol === 'https:' || u.protocol === 'http:';
	} catch {
		return false;
	}
}
