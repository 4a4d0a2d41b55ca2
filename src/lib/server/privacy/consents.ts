// The member's consent choices: analytics and marketing email, each off unless they say yes.
// Every change is written to the audit log with its time, so we can show what was agreed when.
import { eq } from 'drizzle-orm';
import { audit } from '../audit';
import type { Database, Queryable } from '../db';
import { users, type User } from '../db/schema';

export interface Consents {
	analytics: boolean;
	marketing: boolean;
}

/** Only these members may get marketing email (news, offers); service email does not ask. */
export function mayEmailMarketing(user: Pick<User, 'consentMarketing'>): boolean {
	return user.consentMarketing;
}

/** The first choices, made on the sign-up form. */
export async function recordSignUpConsents(db: Queryable, userId: string, consents: Consents): Promise<void> {
	await audit(db, {
		actorId: userId,
		action: 'privacy.consents_given',
		subjectType: 'user',
		subjectId: userId,
		details: { ...consents, where: 'signup' }
	});
}

/** Saves new choices; returns false when nothing changed (no audit entry then). */
export async function updateConsents(
	db: Database,
	userId: string,
	consents: Consents,
	now = new Date()
): Promise<boolean> {
	return db.transaction(async (tx) => {
		const [current] = await tx
			.select({ analytics: users.consentAnalytics, marketing: users.consentMarketing })
			.from(users)
			.where(eq(users.id, userId))
			.for('update');
		if (!current) return false;
		if (current.analytics === consents.analytics && current.marketing === consents.marketing) return false;
		await tx
			.update(users)
			.set({
				consentAnalytics: consents.analytics,
				consentMarketing: consents.marketing,
				consentUpdatedAt: now,
				updatedAt: now
			})
			.where(eq(users.id, userId));
		await audit(tx, {
			actorId: userId,
			action: 'privacy.consents_changed',
			subjectType: 'user',
			subjectId: userId,
			details: { analytics: consents.analytics, marketing: consents.marketing, where: 'account' }
		});
		return true;
	});
}
