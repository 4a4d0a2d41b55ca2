// The engine announces each step up a member takes, in the transaction that caused it; features
// above loyalty (the tier-up moment in notifications) listen here instead of the engine importing
// them. Listeners run in order and share the transaction: a failing listener rolls the write back.
import type { Queryable } from '../db';
import { log } from '../log';
import type { TierChange } from './judge';

export interface TierUp extends TierChange {
	memberId: string;
}

export type TierUpListener = (tx: Queryable, ups: readonly TierUp[]) => Promise<void>;

const listeners = new Set<TierUpListener>();
let warned = false;

/** Registers a listener (idempotent); returns the way to remove it. */
export function onTierUp(listener: TierUpListener): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

export async function announceTierUps(tx: Queryable, ups: readonly TierUp[]): Promise<void> {
	if (ups.length === 0) return;
	if (listeners.size === 0 && !warned) {
		// A process that never loaded notifications (a script) would skip the moments silently.
		warned = true;
		log.warn('tier-ups announced with no listener registered');
	}
	for (const listener of listeners) await listener(tx, ups);
}
