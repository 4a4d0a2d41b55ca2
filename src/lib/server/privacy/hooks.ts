// Work other features must do before an account is erased, e.g. patronage cancelling the Stripe
// subscription. A feature adds ONE line for its hook to `beforeAccountDeletion` below.
// Hooks run in order, before the confirmation email and the erasure; if one throws, nothing is
// erased and the member is told which step failed.
import type { Database } from '../db';
import { cancelSubscriptionsOf, getPayments, liveSubscriptions } from '../patronage';

export interface DeletionSubject {
	id: string;
	email: string;
	displayName: string;
	role: 'fan' | 'staff' | 'admin';
}

export interface BeforeDeletionHook {
	name: string;
	/** Finishes the sentence "We could not …", e.g. "cancel your paid membership". */
	failureMessage: string;
	run: (
		db: Database,
		member: DeletionSubject,
		context: { reason: 'member' | 'retention'; now: Date }
	) => Promise<void>;
}

// One line per feature, run in this order (e.g. patronage: cancel the Stripe subscription).
export const beforeAccountDeletion: BeforeDeletionHook[] = [
	{
		name: 'billing',
		failureMessage: 'cancel your paid membership with our payment provider',
		// Cancelled in Stripe first, so nobody is charged for an account that is gone.
		run: async (db, member) => {
			if ((await liveSubscriptions(db, member.id)).length === 0) return;
			await cancelSubscriptionsOf(db, await getPayments(), member.id);
		}
	}
];

/** A hook may throw this to show its own words to the member. */
export class DeletionBlockedError extends Error {}
