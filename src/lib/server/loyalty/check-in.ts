// A venue check-in from the staff scanner: read the code, find the member, record the engagement.
// Points once per member per day (the venue_checkin rule's daily cap); the same card at the same
// venue on the same day is "already checked in", answered from the ledger by the idempotency key.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { getUserById } from '../auth/users';
import { config } from '../config';
import type { Database } from '../db';
import { dayKey } from './earning';
import { recordEngagement } from './engine';
import { findMemberByManualCode, getMemberCardKey, verifyMemberToken } from './member-card';
import { parseScannedCode } from './scanned-code';
import { getStanding } from './standing';

export const DEFAULT_VENUE = 'Main venue';
export const CHECK_IN_KIND = 'venue_checkin';

export interface CheckedInMember {
	id: string;
	name: string;
	tier: { name: string; colour: string; rank: number };
}

export type CheckInResult =
	| {
			status: 'checked-in';
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
	| { status: 'invalid'; reason: 'unreadable' | 'bad-signature' | 'unknown-code' | 'no-member' };

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

function houseTime(at: Date): string {
	return new Intl.DateTimeFormat('en-GB', {
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
		timeZone: config.houseTimeZone
	}).format(at);
}

async function resolveMember(
	db: Database,
	code: string
): Promise<{ memberId: string } | { invalid: 'unreadable' | 'bad-signature' | 'unknown-code' }> {
	const scanned = parseScannedCode(code);
	if (scanned.type === 'unknown') return { invalid: 'unreadable' };
	const key = await getMemberCardKey(db);
	if (scanned.type === 'member-token') {
		const memberId = verifyMemberToken(key, scanned.token);
		return memberId ? { memberId } : { invalid: 'bad-signature' };
	}
	const memberId = await findMemberByManualCode(db, key, scanned.code);
	return memberId ? { memberId } : { invalid: 'unknown-code' };
}

/** Verifies the code and records the check-in; nothing is written for a code that does not verify. */
export async function checkInMember(db: Database, input: CheckInInput): Promise<CheckInResult> {
	const now = input.now ?? new Date();
	const resolved = await resolveMember(db, input.code);
	if ('invalid' in resolved) return { status: 'invalid', reason: resolved.invalid };
	const user = await getUserById(db, resolved.memberId);
	if (!user) return { status: 'invalid', reason: 'no-member' };

	const venue = normaliseVenue(input.venue);
	const slug = venueSlug(venue);
	const day = dayKey(now, config.houseTimeZone);
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
