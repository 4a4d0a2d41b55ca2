// A first-come claim's points: recorded after the claim commits (ledger work has no business
// holding the seats), a batch at a time, and swept up by scheduled work if lost on the way.
import { and, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { presaleClaims, type PresaleClaim } from '../db/schema';
import { log } from '../log';
import { recordEngagementQuickly, recordEngagements } from '../loyalty';

export const PRESALE_KIND = 'presale_claim';

/** The presale engagement of each claim, once (keyed by the claim); a failure is left to the sweep. */
export async function recordClaimPoints(db: Database, claims: PresaleClaim[], now: Date): Promise<void> {
	if (!claims.length) return;
	const inputs = claims.map((c) => ({
		memberId: c.memberId,
		kind: PRESALE_KIND,
		object: `event:${c.eventId}`,
		occurredAt: c.claimedAt ?? c.createdAt,
		source: 'portal' as const,
		idempotencyKey: `presale-claim:${c.id}`
	}));
	try {
		// One claim (the rush) takes the engine's quick path; the sweep's batch one transaction.
		if (inputs.length === 1) await recordEngagementQuickly(db, inputs[0], { now });
		else await db.transaction((tx) => recordEngagements(tx, inputs, { now }));
	} catch (error) {
		log.error('presale claim points not recorded; the sweep will retry', {
			claims: claims.map((c) => c.id),
			error: String(error)
		});
	}
}

/**
 * Scheduled: first-come claims of the last day (past the half minute a claim takes) whose points
 * were not recorded after commit. Matched by member, event and time, which also knows the claims
 * made before the points moved after the commit (keyed differently then).
 */
export async function recordMissingClaimPoints(db: Database, now: Date): Promise<number> {
	const missed = await db
		.select()
		.from(presaleClaims)
		.where(
			and(
				isNull(presaleClaims.entryId),
				gt(presaleClaims.createdAt, new Date(now.getTime() - 86400_000)),
				lt(presaleClaims.createdAt, new Date(now.getTime() - 30_000)),
				sql`not exists (select 1 from engagements e where e.member_id = ${presaleClaims.memberId}
					and e.kind = ${PRESALE_KIND} and e.object = 'event:' || ${presaleClaims.eventId}
					and e.occurred_at = coalesce(${presaleClaims.claimedAt}, ${presaleClaims.createdAt}))`
			)
		)
		.limit(500);
	if (missed.length) await recordClaimPoints(db, missed, now);
	return missed.length;
}
