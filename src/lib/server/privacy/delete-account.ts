// Account deletion, one path for "delete my account" and for retention: hooks (cancel billing)
// → confirmation email through the outbox → one transaction that signs the member out everywhere
// and erases or anonymises their data by the personal data policy.
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit';
import { verifyPassword, getUserById } from '../auth';
import type { Database, Queryable } from '../db';
import { accountDeletions, users } from '../db/schema';
import { getHouse } from '../house';
import { log } from '../log';
import { sendMail } from '../notifications';
import { beforeAccountDeletion, DeletionBlockedError, type DeletionSubject } from './hooks';
import { eraseMemberData } from './member-data';
import { accountDeletedMessage } from './messages';

export const CONFIRM_PHRASE = 'delete my account';

export const deleteAccountSchema = z.object({
	password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(256),
	phrase: z
		.string({ error: `Type “${CONFIRM_PHRASE}” to confirm.` })
		.transform((v) => v.trim().toLowerCase().replace(/\s+/g, ' '))
		.refine((v) => v === CONFIRM_PHRASE, `Type “${CONFIRM_PHRASE}” exactly, to confirm.`)
});

export type DeletionReason = 'member' | 'retention';

export type DeletionOutcome =
	| { ok: true; erased: Record<string, number> }
	| { ok: false; status: 400 | 409 | 502; errors: Record<string, string> };

const LAST_ADMIN =
	'You are the only admin: make someone else an admin first, so the portal is never left without one.';

export async function isErased(db: Queryable, memberId: string): Promise<boolean> {
	const [row] = await db
		.select({ id: accountDeletions.memberId })
		.from(accountDeletions)
		.where(eq(accountDeletions.memberId, memberId));
	return row !== undefined;
}

/** Other admins who still have an account (tombstones are never admins). */
async function otherAdmins(db: Queryable, memberId: string, lock = false): Promise<number> {
	const query = db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(users.role, 'admin'), ne(users.id, memberId)));
	// Locking every admin row serialises two last admins deleting themselves at once.
	const rows = lock ? await query.for('update') : await query;
	return rows.length;
}

/** The member confirms with their password and a typed phrase; then `deleteAccount`. */
export async function requestAccountDeletion(
	db: Database,
	memberId: string,
	input: z.output<typeof deleteAccountSchema>,
	now = new Date()
): Promise<DeletionOutcome> {
	const user = await getUserById(db, memberId);
	if (!user || !(await verifyPassword(user.passwordHash, input.password))) {
		return { ok: false, status: 400, errors: { password: 'That password is not right.' } };
	}
	return deleteAccount(db, memberId, 'member', now);
}

/**
 * Deletes an account. Nothing is erased unless every `beforeAccountDeletion` hook succeeded; the
 * confirmation email is in the outbox (and handed to SMTP when configured) before the erasure.
 */
export async function deleteAccount(
	db: Database,
	memberId: string,
	reason: DeletionReason,
	now = new Date()
): Promise<DeletionOutcome> {
	const user = await getUserById(db, memberId);
	if (!user || (await isErased(db, memberId))) {
		return { ok: false, status: 409, errors: { form: 'This account has already been deleted.' } };
	}
	if (user.role === 'admin' && (await otherAdmins(db, memberId)) === 0) {
		return { ok: false, status: 409, errors: { form: LAST_ADMIN } };
	}
	const subject: DeletionSubject = {
		id: user.id,
		email: user.email,
		displayName: user.displayName,
		role: user.role
	};
	for (const hook of beforeAccountDeletion) {
		try {
			await hook.run(db, subject, { reason, now });
		} catch (err) {
			log.error('account deletion stopped by a hook', {
				hook: hook.name,
				member: memberId,
				error: String(err)
			});
			const detail = err instanceof DeletionBlockedError ? ` ${err.message}` : ' Please try again later.';
			return {
				ok: false,
				status: 502,
				errors: {
					form: `Your account was not deleted: we could not ${hook.failureMessage}. Nothing has been erased.${detail}`
				}
			};
		}
	}

	const house = await getHouse(db);
	await sendMail(db, {
		to: user.email,
		kind: 'account_deleted',
		...accountDeletedMessage(house.name, user.displayName, reason)
	});

	const erased = await db.transaction(async (tx) => {
		if (user.role === 'admin' && (await otherAdmins(tx, memberId, true)) === 0) return null;
		// The row lock also stops a second deletion of the same account running alongside this one.
		const [locked] = await tx
			.select({ id: users.id })
			.from(users)
			.where(eq(users.id, memberId))
			.for('update');
		if (!locked || (await isErased(tx, memberId))) return undefined;
		const touched = await eraseMemberData(tx, {
			memberId,
			email: user.email,
			displayName: user.displayName,
			now
		});
		await tx.insert(accountDeletions).values({ memberId, reason, erasedAt: now });
		await audit(tx, {
			actorId: memberId,
			action: 'privacy.account_deleted',
			subjectType: 'user',
			subjectId: memberId,
			details: { reason, rows: touched }
		});
		return touched;
	});
	if (erased === null) return { ok: false, status: 409, errors: { form: LAST_ADMIN } };
	if (erased === undefined) {
		return { ok: false, status: 409, errors: { form: 'This account has already been deleted.' } };
	}
	log.info('account deleted', { member: memberId, reason });
	return { ok: true, erased };
}
