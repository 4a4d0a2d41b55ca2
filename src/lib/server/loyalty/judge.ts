// What an engagement is worth, decided without I/O: the rules and cap counts in, points (or why
// it cannot be recorded) out; and the payload hash that tells a retry from a conflict. Pure.
import { createHash } from 'node:crypto';
import { ADJUSTMENT_KIND, award, type EarningRule } from './earning';

export type RejectionCode = 'unknown_kind' | 'invalid';

export class EngagementError extends Error {
	constructor(
		readonly code: RejectionCode,
		message: string
	) {
		super(message);
	}
}

export interface EngagementInput {
	memberId: string;
	kind: string;
	object?: string | null;
	occurredAt?: Date;
	/** Where it came from: "portal", "staff:<id>", "partner:<key id>", "stripe", "system". */
	source: string;
	idempotencyKey: string;
	/** Amount for per-unit kinds (whole euros for patronage). */
	units?: number;
	/** Staff adjustments: exact points (may be negative) with a reason. */
	adjustment?: { points: number; note: string; actorId: string };
}

export interface TierChange {
	fromRank: number;
	toRank: number;
	at: Date;
}

/** What the ledger stores to tell a retry (same payload) from a conflict (same key, other payload). */
export function payloadHash(input: EngagementInput, occurredAt: Date): string {
	const canonical = JSON.stringify([
		input.memberId,
		input.kind,
		input.object ?? null,
		occurredAt.toISOString(),
		input.units ?? null,
		input.adjustment ? [input.adjustment.points, input.adjustment.note] : null
	]);
	// Native hashing: a partner batch hashes a thousand of these.
	return createHash('sha256').update(canonical).digest('hex');
}

/** Rewarded engagements so far, per (member, kind, day) and per (member, kind, object). */
export interface CapCounter {
	today(memberId: string, kind: string, day: string): number;
	forObject(memberId: string, kind: string, object: string | null): number;
	add(memberId: string, kind: string, day: string, object: string | null): void;
}

export type Judgement =
	{ points: number; cappedReason: string | null } | { rejected: RejectionCode; message: string };

/** The points an item earns under the rules and caps, or why it cannot be recorded. */
export function judge(
	input: EngagementInput,
	rules: Map<string, EarningRule>,
	counts: CapCounter,
	day: string
): Judgement {
	if (input.adjustment) {
		if (!input.adjustment.note.trim())
			return { rejected: 'invalid', message: 'An adjustment needs a reason.' };
		if (!Number.isInteger(input.adjustment.points))
			return { rejected: 'invalid', message: 'Points are whole numbers.' };
		return { points: input.adjustment.points, cappedReason: null };
	}
	if (input.kind === ADJUSTMENT_KIND)
		return { rejected: 'invalid', message: 'Adjustments need points and a reason.' };
	const rule = rules.get(input.kind);
	if (!rule) return { rejected: 'unknown_kind', message: `Unknown engagement kind "${input.kind}".` };
	const object = input.object ?? null;
	const result = award(
		rule,
		{
			today: counts.today(input.memberId, input.kind, day),
			forObject: counts.forObject(input.memberId, input.kind, object)
		},
		!!object,
		input.units
	);
	if (result.points > 0) counts.add(input.memberId, input.kind, day, object);
	return result;
}
