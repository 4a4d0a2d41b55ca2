// Complimentary and gift memberships: staff grant a paid tier until a date, audited. A comp is a
// grant beside any subscription: the member holds the higher, never the sum, and it adds no MRR.
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { audit } from '../audit';
import type { Database, Queryable } from '../db';
import { patronComps, subscriptionEvents, tiers, users } from '../db/schema';
import { syncPaidTier } from './paid-tier';

export interface CompInput {
	memberId: string;
	tierRank: number;
	endsAt: Date;
	reason: string;
	actorId: string;
}

export type CompResult = { ok: true; id: number } | { ok: false; field: string; message: string };

export async function grantComp(
	db: Database,
	input: CompInput,
	graceDays: number,
	now = new Date()
): Promise<CompResult> {
	if (input.endsAt <= now)
		return { ok: false, field: 'endsAt', message: 'Choose an end date in the future.' };
	const [tier] = await db.select().from(tiers).where(eq(tiers.rank, input.tierRank));
	if (!tier || (tier.monthlyPriceMinor === null && tier.yearlyPriceMinor === null))
		return { ok: false, field: 'tierRank', message: 'Choose a paid tier.' };
	return db.transaction(async (tx) => {
		const [comp] = await tx
			.insert(patronComps)
			.values({ ...input, grantedBy: input.actorId })
			.returning({ id: patronComps.id });
		await tx.insert(subscriptionEvents).values({
			memberId: input.memberId,
			stripeSubscriptionId: null,
			kind: 'comp_granted',
			fromRank: null,
			toRank: input.tierRank,
			status: 'comp',
			mrrBeforeMinor: 0,
			mrrAfterMinor: 0,
			mrrDeltaMinor: 0,
			currency: tier.currency,
			occurredAt: now,
			stripeEventId: null
		});
		await audit(tx, {
			actorId: input.actorId,
			action: 'patronage.comp_granted',
			subjectType: 'member',
			subjectId: input.memberId,
			details: {
				comp: comp.id,
				tierRank: input.tierRank,
				endsAt: input.endsAt.toISOString(),
				reason: input.reason
			}
		});
		await syncPaidTier(tx, input.memberId, graceDays, now);
		return { ok: true as const, id: comp.id };
	});
}

export async function revokeComp(
	db: Database,
	compId: number,
	actorId: string,
	graceDays: number,
	now = new Date()
): Promise<boolean> {
	return db.transaction(async (tx) => {
		const [comp] = await tx
			.update(patronComps)
			.set({ revokedAt: now })
			.where(and(eq(patronComps.id, compId), isNull(patronComps.revokedAt)))
			.returning();
		if (!comp) return false;
		await audit(tx, {
			actorId,
			action: 'patronage.comp_revoked',
			subjectType: 'member',
			subjectId: comp.memberId,
			details: { comp: comp.id }
		});
		await syncPaidTier(tx, comp.memberId, graceDays, now);
		return true;
	});
}

export function listActiveComps(db: Queryable, now = new Date()) {
	return db
		.select({
			id: patronComps.id,
			memberId: patronComps.memberId,
			email: users.email,
			displayName: users.displayName,
			tierRank: patronComps.tierRank,
			endsAt: patronComps.endsAt,
			reason: patronComps.reason
		})
		.from(patronComps)
		.innerJoin(users, eq(users.id, patronComps.memberId))
		.where(and(isNull(patronComps.revokedAt), gt(patronComps.endsAt, now)))
		.orderBy(desc(patronComps.createdAt));
}
