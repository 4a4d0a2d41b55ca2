// The member's paid tier, handed to the loyalty engine: from everything that grants one (their
// subscriptions as last read from Stripe, and complimentary tiers), the highest wins. The engine
// then computes the effective tier, logs the change and posts the tier-up moment.
import { and, eq, isNull } from 'drizzle-orm';
import type { Queryable } from '../db';
import { memberTiers, patronComps, patronSubscriptions, type MemberTier } from '../db/schema';
import {
	loadTimeline,
	lockMemberTiers,
	pointEntriesByMember,
	saveTierState,
	stateOf,
	type TierChange,
	advance,
	windowPoints
} from '../loyalty';
import { accessOf, paidGrantOf, type PaidGrant } from './access';

/** Every grant the member holds now. */
export async function paidGrants(
	tx: Queryable,
	memberId: string,
	graceDays: number,
	now: Date
): Promise<PaidGrant[]> {
	const [subs, comps] = await Promise.all([
		tx.select().from(patronSubscriptions).where(eq(patronSubscriptions.memberId, memberId)),
		tx
			.select()
			.from(patronComps)
			.where(and(eq(patronComps.memberId, memberId), isNull(patronComps.revokedAt)))
	]);
	const grants: PaidGrant[] = [];
	for (const s of subs) {
		const access = accessOf(s, graceDays, now);
		if (access.grants && s.tierRank !== null) grants.push({ rank: s.tierRank, until: access.until });
	}
	for (const c of comps) if (c.endsAt > now) grants.push({ rank: c.tierRank, until: c.endsAt });
	return grants;
}

/**
 * Recomputes the member's paid tier in the caller's transaction and lets the engine store the
 * effective tier. Locks the member's tier row first, like every ledger write.
 */
export async function syncPaidTier(
	tx: Queryable,
	memberId: string,
	graceDays: number,
	now: Date
): Promise<TierChange | null> {
	const locked = (await lockMemberTiers(tx, [memberId])).get(memberId)!;
	const grant = paidGrantOf(await paidGrants(tx, memberId, graceDays, now));
	const paidRank = grant?.rank ?? null;
	const paidUntil = grant?.until ?? null;
	if (locked.paidRank !== paidRank || locked.paidUntil?.getTime() !== paidUntil?.getTime()) {
		await tx.update(memberTiers).set({ paidRank, paidUntil }).where(eq(memberTiers.memberId, memberId));
	}
	const row: MemberTier = { ...locked, paidRank, paidUntil };
	// The earned side as of now (a hold may have ended since the last ledger write), like /me shows it.
	const [timeline, entries] = await Promise.all([loadTimeline(tx), pointEntriesByMember(tx, [memberId])]);
	const mine = entries.get(memberId) ?? [];
	const earned = advance(stateOf(row), now, timeline, (at) => windowPoints(mine, at));
	return saveTierState(tx, row, earned, now);
}
