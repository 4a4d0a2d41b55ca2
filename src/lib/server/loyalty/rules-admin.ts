// Staff edit the earning rules. Rules apply to engagements from the moment they are saved;
// the ledger keeps the points each entry was given, so history never changes.
import { eq } from 'drizzle-orm';
import type { Database } from '../db';
import { earningRules } from '../db/schema';
import { audit } from '../audit';
import { forgetCached } from '../cache';
import type { EarningRule } from './earning';
import { loadRules } from './rules-store';

export type RuleEdit = Pick<EarningRule, 'kind' | 'points' | 'perDay' | 'perObject' | 'active'>;

export async function updateRules(db: Database, edits: RuleEdit[], actorId: string): Promise<number> {
	const changed = await db.transaction(async (tx) => {
		const before = new Map((await loadRules(tx)).map((r) => [r.kind, r]));
		const changed: { kind: string; before: RuleEdit; after: RuleEdit }[] = [];
		for (const edit of edits) {
			const old = before.get(edit.kind);
			if (!old) continue;
			const same =
				old.points === edit.points &&
				old.perDay === edit.perDay &&
				old.perObject === edit.perObject &&
				old.active === edit.active;
			if (same) continue;
			await tx
				.update(earningRules)
				.set({
					points: edit.points,
					perDay: edit.perDay,
					perObject: edit.perObject,
					active: edit.active,
					updatedAt: new Date()
				})
				.where(eq(earningRules.kind, edit.kind));
			const { kind, points, perDay, perObject, active } = old;
			changed.push({ kind, before: { kind, points, perDay, perObject, active }, after: edit });
		}
		if (changed.length)
			await audit(tx, {
				actorId,
				action: 'rules.updated',
				subjectType: 'earning_rules',
				details: { changed }
			});
		return changed.length;
	});
	// Remembered rules (the quick engagement path's) are read afresh from the next request on.
	if (changed) forgetCached(db);
	return changed;
}
