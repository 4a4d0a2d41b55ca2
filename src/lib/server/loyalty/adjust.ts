// Staff corrections to a member's points: ledger entries like any other, with a reason, audited.
import { z } from 'zod';
import type { Database } from '../db';
import { audit } from '../audit';
import { getUserByEmail } from '../auth';
import { ADJUSTMENT_KIND } from './earning';
import { recordEngagement, type EngagementResult } from './engine';

export const adjustmentSchema = z.object({
	email: z
		.string()
		.trim()
		.min(1, 'Enter the member’s email address.')
		.pipe(z.email('Enter a valid email address.')),
	points: z.coerce
		.number({ error: 'Enter the points as a whole number.' })
		.int('Enter the points as a whole number.')
		.refine((n) => n !== 0, 'An adjustment of 0 points changes nothing.')
		.refine((n) => Math.abs(n) <= 100_000, 'Adjust by at most 100,000 points at a time.'),
	reason: z
		.string()
		.trim()
		.min(3, 'Say why: the member sees this reason.')
		.max(200, 'Keep the reason under 200 characters.'),
	/** A token from the form, so a double submit records one entry. */
	requestId: z.string().min(8).max(64)
});

export type AdjustmentOutcome =
	{ ok: true; result: EngagementResult; memberName: string } | { ok: false; errors: Record<string, string> };

export async function adjustPoints(
	db: Database,
	input: z.output<typeof adjustmentSchema>,
	actorId: string
): Promise<AdjustmentOutcome> {
	const member = await getUserByEmail(db, input.email);
	if (!member) return { ok: false, errors: { email: 'No member has this email address.' } };
	const result = await db.transaction(async (tx) => {
		const r = await recordEngagement(tx, {
			memberId: member.id,
			kind: ADJUSTMENT_KIND,
			source: `staff:${actorId}`,
			idempotencyKey: `adjust:${input.requestId}`,
			adjustment: { points: input.points, note: input.reason, actorId }
		});
		if (r.status === 'recorded') {
			await audit(tx, {
				actorId,
				action: 'points.adjusted',
				subjectType: 'user',
				subjectId: member.id,
				details: { points: input.points, reason: input.reason, entryId: r.entry.id }
			});
		}
		return r;
	});
	if (result.status === 'conflict')
		return {
			ok: false,
			errors: { form: 'This form was already used for another adjustment. Reload the page and try again.' }
		};
	return { ok: true, result, memberName: member.displayName };
}
