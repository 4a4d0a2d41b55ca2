// House time: what staff type (a wall clock in a zone) becomes an instant, refused on the nights
// the clocks change where the time is skipped or shown twice; and every printed time is on the
// named zone's clock, whatever the process's own zone (run with TZ=UTC and TZ=America/New_York).
import { afterEach, describe, expect, it } from 'vitest';
import { endOfDay, parseWallClock, startOfDay, wallClockToInstant } from '$lib/server/house-time';
import { parseBoardForm, parseDeadline, parseSessionForm } from '$lib/server/board/form';
import { parseDropForm } from '$lib/server/drops/form';
import { parsePollForm } from '$lib/server/polls/form';
import { parseEventForm, parseWindowForm } from '$lib/server/tickets/form';
import {
	calendarDay,
	formatCalendarDay,
	formatDate,
	formatDateTime,
	formatDay,
	formatEventTime,
	formatFullDateTime,
	formatMonthYear,
	formatTime,
	isTimeZone,
	wallClock,
	zoneAbbreviation,
	zoneLabel
} from '$lib/time';
import { learnDeviceZone, zoneNote } from '$lib/zone-note.svelte';

const BRUSSELS = 'Europe/Brussels';
const iso = (local: string, zone = BRUSSELS) => {
	const r = wallClockToInstant(local, zone);
	return r.ok ? r.at.toISOString() : r.problem;
};

describe('typed wall clocks become instants', () => {
	it('reads the house clock in winter (UTC+1) and summer (UTC+2)', () => {
		expect(iso('2026-01-15T19:51')).toBe('2026-01-15T18:51:00.000Z');
		expect(iso('2026-05-14T19:51')).toBe('2026-05-14T17:51:00.000Z');
		expect(iso('2026-05-14 19:51')).toBe('2026-05-14T17:51:00.000Z');
		expect(iso('2026-05-14T19:51:30')).toBe('2026-05-14T17:51:30.000Z');
		expect(iso('2026-12-12T20:00', 'America/New_York')).toBe('2026-12-13T01:00:00.000Z');
	});

	it('refuses 02:30 on the last Sunday of March: the clocks skip it', () => {
		const r = wallClockToInstant('2026-03-29T02:30', BRUSSELS);
		expect(r).toEqual({
			ok: false,
			problem: 'skipped',
			message:
				'The clocks in Brussels go forward from 02:00 to 03:00 on 29 March 2026, so 02:30 does not exist that night: choose another time.'
		});
		expect(iso('2026-03-29T02:00')).toBe('skipped');
		// Either side of the gap is an ordinary time, one hour of UTC apart less the skipped hour.
		expect(iso('2026-03-29T01:59')).toBe('2026-03-29T00:59:00.000Z');
		expect(iso('2026-03-29T03:00')).toBe('2026-03-29T01:00:00.000Z');
	});

	it('refuses 02:30 on the last Sunday of October: the clocks show it twice', () => {
		const r = wallClockToInstant('2026-10-25T02:30', BRUSSELS);
		expect(r).toEqual({
			ok: false,
			problem: 'repeated',
			message:
				'The clocks in Brussels go back from 03:00 to 02:00 on 25 October 2026, so 02:30 happens twice that night: choose a time before 02:00 or from 03:00.'
		});
		expect(iso('2026-10-25T02:00')).toBe('repeated');
		expect(iso('2026-10-25T02:59')).toBe('repeated');
		expect(iso('2026-10-25T01:59')).toBe('2026-10-24T23:59:00.000Z');
		expect(iso('2026-10-25T03:00')).toBe('2026-10-25T02:00:00.000Z');
	});

	it('names other zones and their own change nights', () => {
		expect(wallClockToInstant('2026-03-08T02:30', 'America/New_York')).toMatchObject({
			problem: 'skipped',
			message: expect.stringContaining(
				'The clocks in New York go forward from 02:00 to 03:00 on 8 March 2026'
			)
		});
		expect(iso('2026-03-29T02:30', 'America/New_York')).toBe('2026-03-29T06:30:00.000Z');
		expect(iso('2026-03-29T02:30', 'UTC')).toBe('2026-03-29T02:30:00.000Z');
	});

	it('calls anything else malformed, for the field to say what it wants', () => {
		for (const bad of [
			'',
			'tomorrow',
			'2026-02-30T10:00',
			'2026-05-14T24:00',
			'2026-05-14T19:51Z',
			'2026-05-14'
		]) {
			expect(iso(bad), bad).toBe('malformed');
		}
		expect(iso('2026-05-14T19:51', 'Mars/Base')).toBe('malformed');
		expect(parseWallClock('soon', BRUSSELS, 'Give the time.')).toEqual({
			ok: false,
			message: 'Give the time.'
		});
		expect(parseWallClock('2026-03-29T02:30', BRUSSELS, 'Give the time.')).toMatchObject({
			ok: false,
			message: expect.stringMatching(/^The clocks in Brussels go forward/)
		});
	});

	it('round-trips every ordinary minute of both change days through the datetime-local text', () => {
		for (const day of ['2026-03-29', '2026-10-25']) {
			for (let m = 0; m < 24 * 60; m += 15) {
				const local = `${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
				const r = wallClockToInstant(local, BRUSSELS);
				if (r.ok) expect(wallClock(r.at, BRUSSELS)).toBe(local);
				else expect(local.slice(11, 13), local).toBe('02');
			}
		}
	});

	it('turns typed days into the first and last instants of that day on the clock', () => {
		expect(startOfDay('2026-06-30', BRUSSELS)?.toISOString()).toBe('2026-06-29T22:00:00.000Z');
		expect(startOfDay('2026-06-30', BRUSSELS, 1)?.toISOString()).toBe('2026-06-30T22:00:00.000Z');
		expect(endOfDay('2026-06-30', BRUSSELS)?.toISOString()).toBe('2026-06-30T21:59:59.000Z');
		expect(endOfDay('2026-01-31', 'America/New_York')?.toISOString()).toBe('2026-02-01T04:59:59.000Z');
		// The night the clocks go back has 25 hours.
		const start = startOfDay('2026-10-25', BRUSSELS)!;
		expect(endOfDay('2026-10-25', BRUSSELS)!.getTime() - start.getTime()).toBe(25 * 3600_000 - 1000);
		expect(endOfDay('2026-02-30', BRUSSELS)).toBeNull();
		expect(startOfDay('30/06/2026', BRUSSELS)).toBeNull();
	});
});

describe('every staff form refuses a time the clocks skip or repeat, by the field', () => {
	const skipped = /go forward from 02:00 to 03:00 on 29 March 2026/;
	const repeated = /happens twice/;

	it('polls', () => {
		const r = parsePollForm(
			{
				question: 'Which song closes the show?',
				kind: 'single',
				options: 'Lanterns\nOwl Song',
				opensAt: '2026-03-29T02:30',
				closesAt: '2026-10-25T02:30',
				resultsVisibility: 'after_close'
			},
			[0, 1],
			BRUSSELS
		);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.errors.opensAt).toMatch(skipped);
			expect(r.errors.closesAt).toMatch(repeated);
		}
	});

	it('drops', () => {
		const form = new FormData();
		form.set('title', 'Night shift');
		form.set('intent', 'schedule');
		form.set('publishAt', '2027-03-28T02:15');
		const r = parseDropForm(
			form,
			[{ rank: 0, name: 'Listener' }],
			new Date('2026-01-01T00:00:00Z'),
			BRUSSELS
		);
		expect(!r.ok && r.errors.publishAt).toMatch(/go forward from 02:00 to 03:00 on 28 March 2027, so 02:15/);
	});

	it('board deadlines and sessions', () => {
		const now = new Date('2026-01-01T00:00:00Z');
		expect(parseDeadline('2026-03-29T02:30', BRUSSELS, now)).toMatchObject({
			ok: false,
			errors: { deadline: expect.stringMatching(skipped) }
		});
		const session = parseSessionForm(
			{ title: 'Autumn meeting', startsAt: '2026-10-25T02:30', link: 'https://meet.example.com/board' },
			BRUSSELS,
			now
		);
		expect(!session.ok && session.errors.startsAt).toMatch(repeated);
		// The term ends at the end of the typed day on the house clock.
		const board = parseBoardForm(
			{ name: 'Fan council', seats: '12', termEndsAt: '2026-06-30' },
			BRUSSELS,
			now
		);
		expect(board.ok && board.value.termEndsAt.toISOString()).toBe('2026-06-30T21:59:00.000Z');
	});

	it('events and presale windows, on the venue’s clock', () => {
		const event = parseEventForm({
			title: 'Winter show',
			venue: 'Tram Depot',
			timeZone: 'America/New_York',
			startsAt: '2026-03-08T02:30',
			publicSaleAt: '2026-03-01T10:00',
			capacity: '100'
		});
		expect(!event.ok && event.errors.startsAt).toMatch(/clocks in New York go forward/);
		const window = parseWindowForm(
			{
				mode: 'first_come',
				allocation: '10',
				perMemberLimit: '2',
				minRank: '0',
				opensAt: '2026-10-25T02:30',
				closesAt: '2026-10-26T10:00'
			},
			{ timeZone: BRUSSELS, publicSaleAt: new Date('2026-12-01T00:00:00Z'), seatsAvailable: 100, ranks: [0] }
		);
		expect(!window.ok && window.errors.opensAt).toMatch(repeated);
	});
});

describe('times are printed on the named clock, whatever the process’s zone', () => {
	const processZone = process.env.TZ;
	afterEach(() => {
		if (processZone === undefined) delete process.env.TZ;
		else process.env.TZ = processZone;
	});

	// 17:51 UTC in May is 19:51 in Brussels, 13:51 in New York.
	const AT = new Date('2026-05-14T17:51:00Z');

	it('prints the same text in UTC, New York and Tokyo processes', () => {
		const seen = new Set<string>();
		const offsets = new Set<number>();
		for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
			process.env.TZ = tz;
			offsets.add(AT.getTimezoneOffset());
			seen.add(
				[
					formatDateTime(AT, BRUSSELS),
					formatTime(AT, BRUSSELS),
					formatDay(AT, BRUSSELS, AT),
					formatEventTime(AT, 'America/New_York'),
					wallClock(AT, BRUSSELS),
					calendarDay(new Date('2026-05-14T22:30:00Z'), BRUSSELS)
				].join(' | ')
			);
		}
		// The switch took effect (three process offsets), and the text never moved.
		expect(offsets.size).toBe(3);
		expect([...seen]).toEqual([
			'14 May, 19:51 | 19:51 | 14 May | Thu 14 May, 13:51 | 2026-05-14T19:51 | 2026-05-15'
		]);
	});

	it('writes each kind of time', () => {
		expect(formatDate(AT, BRUSSELS)).toBe('14 May 2026');
		expect(formatMonthYear(AT, BRUSSELS)).toBe('May 2026');
		expect(formatFullDateTime(AT, BRUSSELS)).toBe('14 May 2026, 19:51');
		expect(formatDay(AT, BRUSSELS, new Date('2027-02-01T00:00:00Z'))).toBe('14 May 2026');
		// New Year's Eve at 23:30 UTC is already the new year in Brussels.
		expect(formatDay('2026-12-31T23:30:00Z', BRUSSELS, '2027-01-01T12:00:00Z')).toBe('1 January');
		expect(formatCalendarDay('2026-05-14', '2026-06-01')).toBe('14 May');
		expect(formatCalendarDay('2025-05-14', '2026-06-01')).toBe('14 May 2025');
		expect(zoneAbbreviation(AT, BRUSSELS)).toBe('CEST');
		expect(zoneAbbreviation('2026-01-14T17:51:00Z', BRUSSELS)).toBe('CET');
		expect(zoneLabel('America/New_York')).toBe('New York time');
		expect(isTimeZone(BRUSSELS) && !isTimeZone('Mars/Base') && !isTimeZone('')).toBe(true);
	});

	it('names the house clock only once the device is known to read differently', () => {
		expect(zoneNote(BRUSSELS, AT)).toBe('');
		process.env.TZ = 'Europe/Paris';
		learnDeviceZone();
		expect(zoneNote(BRUSSELS, AT)).toBe('');
		process.env.TZ = 'America/New_York';
		learnDeviceZone();
		expect(zoneNote(BRUSSELS, AT)).toBe(' (Brussels time)');
		expect(zoneNote('America/New_York', AT)).toBe('');
	});
});
