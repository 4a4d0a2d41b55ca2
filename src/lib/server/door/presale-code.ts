// Presale codes at the door: a conditional update admits a confirmed code exactly once, however
// many scanners read it at the same moment. The check-in itself (points) is check-in.ts beside it.
import { and, eq, isNull } from 'drizzle-orm';
import type { Queryable } from '../db';
import { events, presaleClaims } from '../db/schema';

export type Admission =
	| { status: 'admitted'; memberId: string; seats: number; event: string; claimId: number }
	| { status: 'used'; memberId: string; seats: number; event: string; at: Date }
	| { status: 'refused'; reason: 'ticket-unknown' | 'ticket-not-valid' };

/** `code` is normalised (codes.ts). Run it inside the transaction that records the check-in. */
export async function admitPresaleCode(
	tx: Queryable,
	code: string,
	staffId: string,
	now: Date
): Promise<Admission> {
	const [admitted] = await tx
		.update(presaleClaims)
		.set({ checkedInAt: now, checkedInBy: staffId })
		.where(
			and(
				eq(presaleClaims.code, code),
				eq(presaleClaims.status, 'claimed'),
				isNull(presaleClaims.checkedInAt)
			)
		)
		.returning();
	const [row] = await tx
		.select({ claim: presaleClaims, title: events.title })
		.from(presaleClaims)
		.innerJoin(events, eq(events.id, presaleClaims.eventId))
		.where(eq(presaleClaims.code, code));
	if (admitted && row)
		return {
			status: 'admitted',
			memberId: admitted.memberId,
			seats: admitted.seats,
			event: row.title,
			claimId: admitted.id
		};
	if (!row) return { status: 'refused', reason: 'ticket-unknown' };
	if (row.claim.checkedInAt)
		return {
			status: 'used',
			memberId: row.claim.memberId,
			seats: row.claim.seats,
			event: row.title,
			at: row.claim.checkedInAt
		};
	return { status: 'refused', reason: 'ticket-not-valid' };
}
