// A venue check-in from the staff scanner: read the code, find the member, record the engagement.
// Points once per member per day (the venue_checkin rule's daily cap); the same card at the same
// venue on the same day is "already checked in", answered from the ledger by the idempotency key.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { getUserById } from '../auth';
import { formatTime } from '$lib/time';
import type { Database } from '../db';
import { houseTimeZone } from '../house';
import { admitPresaleCode } from './presale-code';
import {
	dayKey,
	recordEngagement,
	findMemberByManualCode,
	getMemberCardKey,
	verifyMemberToken,
	getStanding
} from '../loyalty';
import { parseScannedCode } from './scanned-code';

export const DEFAULT_VENUE = 'Main venue';
export const CHECK_IN_KIND = 'venue_checkin';

export interface CheckedInMember {
	id: string;
	name: string;
	tier: { name: string; colour: string; rank: number };
}

/** A presale code admits its seats once; the member is checked in as with their card. */
export interface TicketAtDoor {
	event: string;
	seats: number;
}

export type CheckInResult =
	| {
			status: 'checked-in';
			/** Set when a presale code was scanned: what it admits. */
			ticket?: TicketAtDoor;
			member: CheckedInMember;
			venue: string;
			/** House-local time of the check-in, "19:42". */
			time: string;
			/** 0 when the member already earned today's check-in points at another venue. */
			points: number;
			cappedReason: string | null;
			/** The tier this check-in lifted the member to. */
			tierUp: { name: string; colour: string } | null;
	  }
	| { status: 'already'; member: CheckedInMember; venue: string; time: string }
	/** A presale code that was already used at the door. */
	| { status: 'ticket-used'; member: CheckedInMember; venue: string; time: string; ticket: TicketAtDoor }
	| {
			status: 'invalid';
			reason:
				'unreadable' | 'bad-signature' | 'unknown-code' | 'no-member' | 'ticket-unknown' | 'ticket-not-valid';
	  };

export interface CheckInInput {
	/** The scanned QR text or what staff typed. */
	code: string;
	venue?: string | null;
	staffId: string;
	now?: Date;
}

/** Trimmed, single-spaced, at most 60 characters; empty means the default venue. */
export function normaliseVenue(venue: string | null | undefined): string {
	const name = (venue ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
	return name || DEFAULT_VENUE;
}

/** "Main venue" → "main-venue"; a name with no Latin letters or digits gets a short hash instead. */
export function venueSlug(venue: string): string {
	const slug = normaliseVenue(venue)
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40)
		.replace(/-+$/, '');
	if (slug) return slug;
	return `v-${encodeHexLowerCase(sha256(new TextEncoder().encode(normaliseVenue(venue)))).slice(0, 10)}`;
}

const houseTime = (at: Date) => formatTime(at, houseTimeZone());

async function resolveMember(
	db: Database,
	code: string
): Promise<{ memberId: string } | { invalid: 'unreadable' | 'bad-signature' | 'unknown-code' }> {
	const scanned = parseScannedCode(code);
	if (scanned.type === 'unknown' || scanned.type === 'presale') return { invalid: 'unreadable' };
	const key = await getMemberCardKey(db);
	if (scanned.type === 'member-token') {
		const memberId = verifyMemberToken(key, scanned.token);
		return memberId ? { memberId } : { invalid: 'bad-signature' };
	}
	const memberId = await findMemberByManualCode(db, key, scanned.code);
	return memberId ? { memberId } : { invalid: 'unknown-code' };
}

async function memberAtDoor(db: Database, memberId: string, now: Date) {
	const user = await getUserById(db, memberId);
	const { tier, ladder } = await getStanding(db, memberId, now);
	const member: CheckedInMember = {
		id: memberId,
		name: user?.displayName ?? 'Former member',
		tier: { name: tier.name, colour: tier.colour, rank: tier.rank }
	};
	return { member, ladder };
}

/**
 * A presale code: admitted once (a conditional update), and the same venue check-in as the member
 * card in the same transaction, so a fan showing both still earns the day's points once.
 */
async function checkInPresale(
	db: Database,
	code: string,
	input: CheckInInput,
	now: Date
): Promise<CheckInResult> {
	const venue = normaliseVenue(input.venue);
	const slug = venueSlug(venue);
	const day = dayKey(now, houseTimeZone());
	const outcome = await db.transaction(async (tx) => {
		const admission = await admitPresaleCode(tx, code, input.staffId, now);
		if (admission.status !== 'admitted') return { admission, result: null };
		const result = await recordEngagement(
			tx,
			{
				memberId: admission.memberId,
				kind: CHECK_IN_KIND,
				object: `venue:${slug}:${day}`,
				occurredAt: now,
				source: `staff:${input.staffId}`,
				idempotencyKey: `checkin:${admission.memberId}:${slug}:${day}`
			},
			{ now }
		);
		return { admission, result };
	});
	const { admission, result } = outcome;
	if (admission.status === 'refused') return { status: 'invalid', reason: admission.reason };
	const { member, ladder } = await memberAtDoor(db, admission.memberId, now);
	const ticket = { event: admission.event, seats: admission.seats };
	if (admission.status === 'used')
		return { status: 'ticket-used', member, venue, time: houseTime(admission.at), ticket };
	const recorded = result?.status === 'recorded' ? result : null;
	const up =
		recorded?.tierChange && recorded.tierChange.toRank > recorded.tierChange.fromRank
			? recorded.tierChange
			: null;
	const upTier = up ? ladder.find((t) => t.rank === up.toRank) : undefined;
	return {
		status: 'checked-in',
		ticket,
		member,
		venue,
		time: houseTime(now),
		points: recorded ? recorded.entry.points : 0,
		cappedReason: recorded ? recorded.entry.cappedReason : 'Already checked in today with the member card.',
		tierUp: upTier ? { name: upTier.name, colour: upTier.colour } : null
	};
}

/** Verifies the code and records the check-in; nothing is written for a code that does not verify. */
export async function checkInMember(db: Database, input: CheckInInput): Promise<CheckInResult> {
	const now = input.now ?? new Date();
	const scanned = parseScannedCode(input.code);
	if (scanned.type === 'presale') return checkInPresale(db, scanned.code, input, now);
	const resolved = await resolveMember(db, input.code);
	if ('invalid' in resolved) return { status: 'invalid', reason: resolved.invalid };
	const user = await getUserById(db, resolved.memberId);
	if (!user) return { status: 'invalid', reason: 'no-member' };

	const venue = normaliseVenue(input.venue);
	const slug = venueSlug(venue);
	const day = dayKey(now, houseTimeZone());
	const result = await db.transaction((tx) =>
		recordEngagement(
			tx,
			{
				memberId: user.id,
				kind: CHECK_IN_KIND,
				// The show at this venue on this day: the rule's once-per-object cap must not mean "once ever".
				object: `venue:${slug}:${day}`,
				occurredAt: now,
				source: `staff:${input.staffId}`,
				idempotencyKey: `checkin:${user.id}:${slug}:${day}`
			},
			{ now }
		)
	);

	const { tier, ladder } = await getStanding(db, user.id, now);
	const member: CheckedInMember = {
		id: user.id,
		name: user.displayName,
		tier: { name: tier.name, colour: tier.colour, rank: tier.rank }
	};
	// The key holds member, venue and day; a second scan differs only in its time, which the engine
	// calls a conflict (another payload) rather than a duplicate. Both mean: already in today.
	if (result.status !== 'recorded') {
		return { status: 'already', member, venue, time: houseTime(result.entry.occurredAt) };
	}
	const up =
		result.tierChange && result.tierChange.toRank > result.tierChange.fromRank ? result.tierChange : null;
	const upTier = up ? ladder.find((t) => t.rank === up.toRank) : undefined;
	return {
		status: 'checked-in',
		member,
		venue,
		time: houseTime(result.entry.occurredAt),
		points: result.entry.points,
		cappedReason: result.entry.cappedReason,
		tierUp: upTier ? { name: upTier.name, colour: upTier.colour } : null
	};
}
