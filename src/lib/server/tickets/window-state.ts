// Pure rules of presale windows: when one is open, who may take part, why a claim is refused, what
// a member sees for each window, and where unclaimed seats roll. No I/O; times come in as `now`.
import { calendarDay, formatShortDay, formatTime, formatWeekday } from '$lib/time';
import type { PresaleMode } from '../db/schema/tickets';

export interface WindowFacts {
	id: number;
	mode: PresaleMode;
	minRank: number;
	opensAt: Date;
	closesAt: Date;
	seatsRemaining: number;
	perMemberLimit: number;
	drawnAt: Date | null;
}

export type Phase = 'upcoming' | 'open' | 'closed';

export function windowPhase(w: Pick<WindowFacts, 'opensAt' | 'closesAt'>, now: Date): Phase {
	if (now.getTime() < w.opensAt.getTime()) return 'upcoming';
	if (now.getTime() < w.closesAt.getTime()) return 'open';
	return 'closed';
}

/** Eligibility is by effective tier rank (earned or paid, whichever is higher). */
export function isEligible(w: Pick<WindowFacts, 'minRank'>, rank: number): boolean {
	return rank >= w.minRank;
}

export type RefusalCode =
	| 'not_open'
	| 'closed'
	| 'not_eligible'
	| 'sold_out'
	| 'limit_reached'
	| 'not_enough'
	| 'bad_seats'
	| 'wrong_mode'
	| 'already_registered';

export interface Refusal {
	code: RefusalCode;
	message: string;
}

/** A window that was deleted (or never was). */
export const WINDOW_GONE: Refusal = { code: 'closed', message: 'This presale window no longer exists.' };

/**
 * What refuses a claim before anyone's standing is read: the wrong mode, a bad seat count, a window
 * not open, no seats left. In the rush most attempts end here, on one indexed read.
 */
export function windowRefusal(w: WindowFacts, seats: number, now: Date): Refusal | null {
	if (w.mode !== 'first_come')
		return { code: 'wrong_mode', message: 'This window is a draw: register for it instead.' };
	if (!Number.isInteger(seats) || seats < 1 || seats > w.perMemberLimit)
		return { code: 'bad_seats', message: `Choose between 1 and ${w.perMemberLimit} seats.` };
	const phase = windowPhase(w, now);
	if (phase === 'upcoming') return { code: 'not_open', message: 'This window is not open yet.' };
	if (phase === 'closed') return { code: 'closed', message: 'This window has closed.' };
	return seatsRefusal(w.seatsRemaining, seats);
}

/** Too few seats left for the request, or null. */
export function seatsRefusal(remaining: number, seats: number): Refusal | null {
	if (remaining === 0) return { code: 'sold_out', message: 'Sold out: every seat in this window is taken.' };
	if (remaining < seats)
		return {
			code: 'not_enough',
			message: `Only ${remaining} ${remaining === 1 ? 'seat is' : 'seats are'} left.`
		};
	return null;
}

/** What refuses this member: their tier, or the seats they already hold against the limit. */
export function memberRefusal(
	w: WindowFacts,
	rank: number,
	held: number,
	seats: number,
	audience = 'a higher tier'
): Refusal | null {
	if (!isEligible(w, rank)) return { code: 'not_eligible', message: `This window is for ${audience}.` };
	if (held >= w.perMemberLimit)
		return {
			code: 'limit_reached',
			message: `You already hold ${held} ${held === 1 ? 'seat' : 'seats'}, the most this window allows.`
		};
	if (held + seats > w.perMemberLimit)
		return {
			code: 'limit_reached',
			message: `You can add at most ${w.perMemberLimit - held} more ${w.perMemberLimit - held === 1 ? 'seat' : 'seats'}.`
		};
	return null;
}

/** Why a first-come claim cannot go ahead, or null: the window's reasons, then the member's. */
export function claimRefusal(
	w: WindowFacts,
	rank: number,
	held: number,
	seats: number,
	now: Date,
	audience = 'a higher tier'
): Refusal | null {
	const open = windowRefusal({ ...w, seatsRemaining: Math.max(w.seatsRemaining, seats) }, seats, now);
	return open ?? memberRefusal(w, rank, held, seats, audience) ?? seatsRefusal(w.seatsRemaining, seats);
}

/** Why a draw registration cannot go ahead, or null. */
export function registrationRefusal(
	w: WindowFacts,
	rank: number,
	registered: boolean,
	seats: number,
	now: Date,
	audience = 'a higher tier'
): Refusal | null {
	if (w.mode !== 'draw')
		return { code: 'wrong_mode', message: 'This window is first come: claim seats instead.' };
	if (!Number.isInteger(seats) || seats < 1 || seats > w.perMemberLimit)
		return { code: 'bad_seats', message: `Choose between 1 and ${w.perMemberLimit} seats.` };
	const phase = windowPhase(w, now);
	if (phase === 'upcoming') return { code: 'not_open', message: 'Registration has not opened yet.' };
	if (phase === 'closed' || w.drawnAt) return { code: 'closed', message: 'Registration has closed.' };
	if (!isEligible(w, rank)) return { code: 'not_eligible', message: `This draw is for ${audience}.` };
	if (registered) return { code: 'already_registered', message: "You're already registered for this draw." };
	return null;
}

/** "Patrons and up", "Inner Circle members", "everyone". */
export function audienceOf(tierName: string, minRank: number, topRank: number): string {
	if (minRank <= 0) return 'everyone';
	const plural = /\s/.test(tierName) ? `${tierName} members` : `${tierName}s`;
	return minRank >= topRank ? plural : `${plural} and up`;
}

/** "in 25 min", "in 2 h", "in 3 days". */
export function relativeTime(target: Date, now: Date): string {
	const minutes = Math.max(1, Math.round((target.getTime() - now.getTime()) / 60_000));
	if (minutes < 60) return `in ${minutes} min`;
	const hours = Math.round(minutes / 60);
	if (hours < 48) return `in ${hours} h`;
	return `in ${Math.round(hours / 24)} days`;
}

/** "today 18:00", "Friday", "12 Dec": how far off it is decides how precise to be. */
export function deadlineLabel(at: Date, now: Date, timeZone: string): string {
	if (calendarDay(at, timeZone) === calendarDay(now, timeZone)) return `today ${formatTime(at, timeZone)}`;
	if (at.getTime() - now.getTime() < 6 * 24 * 3600_000) return formatWeekday(at, timeZone);
	return formatShortDay(at, timeZone);
}

export interface MemberInWindow {
	rank: number;
	/** Seats the member holds here, confirmed. */
	claimedSeats: number;
	/** A draw offer waiting for confirmation. */
	offer: { seats: number; claimBy: Date } | null;
	entry: { outcome: 'pending' | 'won' | 'waitlist'; waitlistPosition: number | null } | null;
}

export type Tone = 'open' | 'success' | 'warning' | 'info' | 'muted';
export type WindowAction = 'claim' | 'register' | 'withdraw' | 'confirm' | null;

export interface WindowState {
	phase: Phase;
	eligible: boolean;
	tone: Tone;
	label: string;
	action: WindowAction;
}

/** What one member sees for one window right now. */
export function memberWindowState(
	w: WindowFacts,
	m: MemberInWindow,
	audience: string,
	now: Date,
	timeZone: string
): WindowState {
	const phase = windowPhase(w, now);
	const eligible = isEligible(w, m.rank);
	const base = { phase, eligible };
	// What the member holds speaks first, whatever the window's phase.
	if (m.offer)
		return {
			...base,
			tone: 'success',
			label: `You won — claim by ${deadlineLabel(m.offer.claimBy, now, timeZone)}`,
			action: 'confirm'
		};
	if (m.claimedSeats > 0) {
		const canAdd = w.mode === 'first_come' && phase === 'open' && m.claimedSeats < w.perMemberLimit;
		return {
			...base,
			tone: 'success',
			label: `You have ${m.claimedSeats} ${m.claimedSeats === 1 ? 'seat' : 'seats'} — your code is ready`,
			action: canAdd && w.seatsRemaining > 0 ? 'claim' : null
		};
	}
	if (m.entry?.outcome === 'waitlist' && m.entry.waitlistPosition !== null)
		return { ...base, tone: 'info', label: `Waitlist position ${m.entry.waitlistPosition}`, action: null };
	if (m.entry?.outcome === 'won')
		return { ...base, tone: 'muted', label: 'Your draw seats were released', action: null };
	if (phase === 'upcoming')
		return {
			...base,
			tone: eligible ? 'info' : 'muted',
			label: eligible
				? `Opens for you ${relativeTime(w.opensAt, now)}`
				: `Opens for ${audience} ${relativeTime(w.opensAt, now)}`,
			action: null
		};
	if (phase === 'open' && !eligible)
		return { ...base, tone: 'muted', label: `For ${audience} — opens for you later`, action: null };
	if (w.mode === 'draw') {
		if (m.entry && phase === 'open')
			return { ...base, tone: 'success', label: "You're registered for the draw", action: 'withdraw' };
		if (m.entry) return { ...base, tone: 'info', label: 'Registered — the draw is being made', action: null };
		if (phase === 'open')
			return {
				...base,
				tone: 'open',
				label: `Draw open — register by ${deadlineLabel(w.closesAt, now, timeZone)}`,
				action: 'register'
			};
		return { ...base, tone: 'muted', label: w.drawnAt ? 'Drawn' : 'Closed — drawing soon', action: null };
	}
	if (phase === 'open') {
		if (w.seatsRemaining === 0) return { ...base, tone: 'warning', label: 'Sold out', action: null };
		return {
			...base,
			tone: 'open',
			label: `Open now · ${w.seatsRemaining} ${w.seatsRemaining === 1 ? 'seat' : 'seats'} left`,
			action: 'claim'
		};
	}
	return { ...base, tone: 'muted', label: 'Closed', action: null };
}

/** The next window, in opening order, that has not closed: where unclaimed seats go. */
export function rolloverTarget<W extends Pick<WindowFacts, 'id' | 'opensAt' | 'closesAt'>>(
	windows: readonly W[],
	fromId: number,
	now: Date
): W | null {
	const ordered = [...windows].sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime() || a.id - b.id);
	const from = ordered.findIndex((w) => w.id === fromId);
	if (from < 0) return null;
	return ordered.slice(from + 1).find((w) => windowPhase(w, now) !== 'closed') ?? null;
}

/** After the last window has closed, the event points at the public sale. */
export function allWindowsClosed(
	windows: readonly Pick<WindowFacts, 'opensAt' | 'closesAt'>[],
	now: Date
): boolean {
	return windows.every((w) => windowPhase(w, now) === 'closed');
}
