import { describe, expect, it } from 'vitest';
import { parseScannedCode } from '$lib/server/door/scanned-code';
import {
	CODE_ALPHABET,
	CODE_LENGTH,
	formatPresaleCode,
	generatePresaleCode,
	normalisePresaleCode
} from '$lib/server/tickets/codes';
import {
	allWindowsClosed,
	audienceOf,
	claimRefusal,
	deadlineLabel,
	isEligible,
	memberWindowState,
	registrationRefusal,
	relativeTime,
	rolloverTarget,
	windowPhase,
	type MemberInWindow,
	type WindowFacts
} from '$lib/server/tickets/window-state';
import { wallClockToInstant } from '$lib/server/house-time';
import { wallClock } from '$lib/time';

/** The instant, or null when the wall clock is refused. */
const toInstant = (local: string, zone: string) => {
	const r = wallClockToInstant(local, zone);
	return r.ok ? r.at : null;
};
import { parseEventForm, parseWindowForm } from '$lib/server/tickets/form';

const TZ = 'Europe/Brussels';
const h = 3600_000;
const now = new Date('2026-12-01T10:00:00Z'); // a Tuesday

function win(over: Partial<WindowFacts> = {}): WindowFacts {
	return {
		id: 1,
		mode: 'first_come',
		minRank: 3,
		opensAt: new Date(now.getTime() - h),
		closesAt: new Date(now.getTime() + 24 * h),
		seatsRemaining: 10,
		perMemberLimit: 2,
		drawnAt: null,
		...over
	};
}

const nobody: MemberInWindow = { rank: 3, claimedSeats: 0, offer: null, entry: null };

describe('window phase and eligibility over time', () => {
	it('is upcoming, then open, then closed, with the edges exact', () => {
		const w = win({ opensAt: new Date(now.getTime() + h), closesAt: new Date(now.getTime() + 2 * h) });
		expect(windowPhase(w, now)).toBe('upcoming');
		expect(windowPhase(w, new Date(now.getTime() + h))).toBe('open');
		expect(windowPhase(w, new Date(now.getTime() + 2 * h - 1))).toBe('open');
		expect(windowPhase(w, new Date(now.getTime() + 2 * h))).toBe('closed');
	});

	it('admits members at or above the minimum effective rank', () => {
		expect(isEligible(win({ minRank: 3 }), 2)).toBe(false);
		expect(isEligible(win({ minRank: 3 }), 3)).toBe(true);
		expect(isEligible(win({ minRank: 3 }), 4)).toBe(true);
	});

	it('names the audience in plain words', () => {
		expect(audienceOf('Patron', 3, 4)).toBe('Patrons and up');
		expect(audienceOf('Inner Circle', 4, 4)).toBe('Inner Circle members');
		expect(audienceOf('Listener', 0, 4)).toBe('everyone');
	});
});

describe('claim refusals say exactly why', () => {
	it('accepts a valid claim', () => {
		expect(claimRefusal(win(), 3, 0, 2, now)).toBeNull();
	});
	it.each([
		['not_open', win({ opensAt: new Date(now.getTime() + h) }), 3, 0, 1],
		['closed', win({ closesAt: now }), 3, 0, 1],
		['not_eligible', win(), 2, 0, 1],
		['sold_out', win({ seatsRemaining: 0 }), 3, 0, 1],
		['not_enough', win({ seatsRemaining: 1 }), 3, 0, 2],
		['limit_reached', win(), 3, 2, 1],
		['limit_reached', win(), 3, 1, 2],
		['bad_seats', win(), 3, 0, 3],
		['bad_seats', win(), 3, 0, 0],
		['wrong_mode', win({ mode: 'draw' }), 3, 0, 1]
	] as const)('%s', (code, w, rank, held, seats) => {
		expect(claimRefusal(w, rank, held, seats, now)?.code).toBe(code);
	});
	it('says which tiers a window is for', () => {
		expect(claimRefusal(win(), 1, 0, 1, now, 'Patrons and up')?.message).toBe(
			'This window is for Patrons and up.'
		);
	});
	it('refuses a second registration and registrations after the draw', () => {
		const d = win({ mode: 'draw' });
		expect(registrationRefusal(d, 3, false, 1, now)).toBeNull();
		expect(registrationRefusal(d, 3, true, 1, now)?.code).toBe('already_registered');
		expect(registrationRefusal({ ...d, drawnAt: now }, 3, false, 1, now)?.code).toBe('closed');
		expect(registrationRefusal(d, 1, false, 1, now)?.code).toBe('not_eligible');
	});
});

describe('what a member sees for a window', () => {
	const state = (w: WindowFacts, m: Partial<MemberInWindow> = {}, at = now) =>
		memberWindowState(w, { ...nobody, ...m }, 'Patrons and up', at, TZ);

	it('"Opens for Patrons and up in 2 h" for a fan below the tier, "Opens for you" for a patron', () => {
		const w = win({ opensAt: new Date(now.getTime() + 2 * h) });
		expect(state(w, { rank: 1 }).label).toBe('Opens for Patrons and up in 2 h');
		expect(state(w).label).toBe('Opens for you in 2 h');
	});
	it('an open window for others tells a fan it opens for them later', () => {
		expect(state(win(), { rank: 1 })).toMatchObject({
			label: 'For Patrons and up — opens for you later',
			action: null
		});
	});
	it('an open first-come window offers a claim, then shows the seats held', () => {
		expect(state(win())).toMatchObject({ label: 'Open now · 10 seats left', action: 'claim' });
		expect(state(win(), { claimedSeats: 2 })).toMatchObject({
			label: 'You have 2 seats — your code is ready',
			action: null
		});
		expect(state(win(), { claimedSeats: 1 }).action).toBe('claim');
		expect(state(win({ seatsRemaining: 0 })).label).toBe('Sold out');
	});
	it('draw: registered, won with a deadline, waitlisted', () => {
		const d = win({ mode: 'draw' });
		expect(state(d, { entry: { outcome: 'pending', waitlistPosition: null } }).label).toBe(
			"You're registered for the draw"
		);
		const friday = new Date('2026-12-04T17:00:00Z');
		expect(state(d, { offer: { seats: 2, claimBy: friday } })).toMatchObject({
			label: 'You won — claim by Friday',
			action: 'confirm'
		});
		expect(state(d, { entry: { outcome: 'waitlist', waitlistPosition: 12 } }).label).toBe(
			'Waitlist position 12'
		);
		expect(state({ ...d, closesAt: now }, {}, now).label).toBe('Closed — drawing soon');
	});
});

describe('time words', () => {
	it('relative', () => {
		expect(relativeTime(new Date(now.getTime() + 25 * 60_000), now)).toBe('in 25 min');
		expect(relativeTime(new Date(now.getTime() + 2 * h), now)).toBe('in 2 h');
		expect(relativeTime(new Date(now.getTime() + 72 * h), now)).toBe('in 3 days');
	});
	it('deadlines: today with a time, a weekday within the week, a date beyond', () => {
		expect(deadlineLabel(new Date('2026-12-01T17:00:00Z'), now, TZ)).toBe('today 18:00');
		expect(deadlineLabel(new Date('2026-12-04T17:00:00Z'), now, TZ)).toBe('Friday');
		expect(deadlineLabel(new Date('2026-12-20T17:00:00Z'), now, TZ)).toBe('20 Dec');
	});
});

describe('rollover', () => {
	const a = { id: 1, opensAt: new Date(now.getTime() - 48 * h), closesAt: new Date(now.getTime() - 24 * h) };
	const b = { id: 2, opensAt: new Date(now.getTime() - 12 * h), closesAt: new Date(now.getTime() - h) };
	const c = { id: 3, opensAt: new Date(now.getTime() + h), closesAt: new Date(now.getTime() + 24 * h) };
	it('goes to the next window that has not closed, skipping closed ones', () => {
		expect(rolloverTarget([c, b, a], 1, now)?.id).toBe(3);
		expect(rolloverTarget([a, b, c], 3, now)).toBeNull();
	});
	it('after the last window the event points at the public sale', () => {
		expect(allWindowsClosed([a, b], now)).toBe(true);
		expect(allWindowsClosed([a, b, c], now)).toBe(false);
	});
});

describe('presale codes', () => {
	it('are 12 characters of an unambiguous alphabet, and distinct', () => {
		const codes = new Set(Array.from({ length: 2000 }, generatePresaleCode));
		expect(codes.size).toBe(2000);
		for (const code of codes) {
			expect(code).toHaveLength(CODE_LENGTH);
			for (const ch of code) expect(CODE_ALPHABET).toContain(ch);
		}
		expect(CODE_ALPHABET).not.toMatch(/[01ILO]/);
	});
	it('read back from any spelling staff may type, and the door tells them from member cards', () => {
		const code = generatePresaleCode();
		const printed = formatPresaleCode(code);
		expect(printed).toMatch(/^TKT-\w{4}-\w{4}-\w{4}$/);
		expect(normalisePresaleCode(` ${printed.toLowerCase().replaceAll('-', ' ')} `)).toBe(code);
		expect(parseScannedCode(printed)).toEqual({ type: 'presale', code });
		expect(parseScannedCode('7K3QD-M9X2T').type).toBe('member-manual');
		expect(normalisePresaleCode('TKT-0000-0000-0000')).toBeNull();
	});
});

describe('staff forms', () => {
	it('reads times in the event time zone, across daylight saving', () => {
		expect(toInstant('2026-12-12T20:00', TZ)?.toISOString()).toBe('2026-12-12T19:00:00.000Z');
		expect(toInstant('2026-07-12T20:00', TZ)?.toISOString()).toBe('2026-07-12T18:00:00.000Z');
		expect(toInstant('2026-12-12T20:00', 'America/New_York')?.toISOString()).toBe('2026-12-13T01:00:00.000Z');
		expect(wallClock(new Date('2026-12-12T19:00:00Z'), TZ)).toBe('2026-12-12T20:00');
		expect(toInstant('2026-02-30T20:00', TZ)).toBeNull();
	});
	it('puts a message next to each bad event field', () => {
		const r = parseEventForm({
			title: '',
			venue: 'Depot',
			timeZone: 'Mars/Olympus',
			startsAt: '',
			publicSaleAt: '',
			capacity: '0',
			imageUrl: 'http://x'
		});
		expect(r.ok).toBe(false);
		if (!r.ok)
			expect(Object.keys(r.errors).sort()).toEqual([
				'capacity',
				'imageUrl',
				'publicSaleAt',
				'startsAt',
				'timeZone',
				'title'
			]);
		const ok = parseEventForm({
			title: 'Winter show',
			venue: 'Depot',
			timeZone: TZ,
			startsAt: '2026-12-12T20:00',
			publicSaleAt: '2026-12-05T10:00',
			capacity: '100',
			imageUrl: ''
		});
		expect(ok).toMatchObject({ ok: true, data: { capacity: 100, imageUrl: null } });
	});
	it('checks a window against the event: order of times, public sale, seats left, limit', () => {
		const ctx = {
			timeZone: TZ,
			publicSaleAt: new Date('2026-12-05T09:00:00Z'),
			seatsAvailable: 20,
			ranks: [0, 1, 2, 3, 4]
		};
		const bad = parseWindowForm(
			{
				minRank: '9',
				mode: 'draw',
				opensAt: '2026-12-03T10:00',
				closesAt: '2026-12-02T10:00',
				allocation: '30',
				perMemberLimit: '2',
				'weight-3': '0'
			},
			ctx
		);
		expect(bad.ok).toBe(false);
		if (!bad.ok) {
			expect(bad.errors.minRank).toBeDefined();
			expect(bad.errors.closesAt).toBe('The window must close after it opens.');
			expect(bad.errors.allocation).toBe('Only 20 early-access seats are left for new windows.');
			expect(bad.errors['weight-3']).toBeDefined();
		}
		const good = parseWindowForm(
			{
				minRank: '3',
				mode: 'first_come',
				opensAt: '2026-12-01T10:00',
				closesAt: '2026-12-02T10:00',
				allocation: '20',
				perMemberLimit: '2',
				'weight-3': '2',
				tenurePercent: '10',
				tenureCapYears: '5'
			},
			ctx
		);
		expect(good).toMatchObject({
			ok: true,
			data: { minRank: 3, allocation: 20, drawWeights: { tiers: { '3': 2 }, tenurePerYear: 0.1 } }
		});
	});
});
