// What staff can do from a member's page. Each reuses the capability's own module (points
// adjustments, comps, verification email) and is audited in the same transaction as its change.
// Results are field errors for the form, never exceptions, so the page answers 400 with messages.
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit';
import { resendVerification } from '../accounts';
import type { Database } from '../db';
import { users, type Role } from '../db/schema';
import { adjustmentSchema, adjustPoints } from '../loyalty';
import { grantComp } from '../patronage';
import { houseTimeZone } from '../house';
import { endOfDay } from '../house-time';
import { refreshMemberActivityFor } from './activity';

export type ActionOutcome<T = null> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

export const memberAdjustSchema = adjustmentSchema.omit({ email: true });

export const memberCompSchema = z.object({
	tierRank: z.coerce.number({ message: 'Choose a paid tier.' }).int('Choose a paid tier.'),
	endsAt: z.iso.date({ message: 'Choose an end date.' }),
	reason: z
		.string()
		.trim()
		.min(3, 'Say why (a gift, a prize, a thank-you…).')
		.max(200, 'Keep it under 200 characters.')
});

export const roleSchema = z.object({
	role: z.enum(['fan', 'staff', 'admin'], 'Choose fan, staff or admin.')
});

interface Member {
	id: string;
	email: string;
	displayName: string;
	role: Role;
	emailVerifiedAt: Date | null;
}

export async function adjustMemberPoints(
	db: Database,
	member: Member,
	input: z.output<typeof memberAdjustSchema>,
	actorId: string
): Promise<ActionOutcome<{ points: number; duplicate: boolean; tierChanged: boolean }>> {
	const outcome = await adjustPoints(db, { ...input, email: member.email }, actorId);
	if (!outcome.ok) return outcome;
	await refreshMemberActivityFor(db, member.id);
	const r = outcome.result;
	return {
		ok: true,
		value: {
			points: r.entry.points,
			duplicate: r.status === 'duplicate',
			tierChanged: r.status === 'recorded' && Boolean(r.tierChange)
		}
	};
}

export async function grantMemberComp(
	db: Database,
	member: Member,
	input: z.output<typeof memberCompSchema>,
	actorId: string,
	graceDays: number
): Promise<ActionOutcome<{ id: number }>> {
	// The end date is inclusive: the comp runs to the end of that day on the house clock, as on /staff/patrons.
	const endsAt = endOfDay(input.endsAt, houseTimeZone());
	if (!endsAt) return { ok: false, errors: { endsAt: 'Choose an end date.' } };
	const result = await grantComp(
		db,
		{ memberId: member.id, tierRank: input.tierRank, endsAt, reason: input.reason, actorId },
		graceDays
	);
	if (!result.ok) return { ok: false, errors: { [result.field]: result.message } };
	return { ok: true, value: { id: result.id } };
}

export async function resendMemberVerification(
	db: Database,
	member: Member,
	actorId: string
): Promise<ActionOutcome> {
	if (member.emailVerifiedAt)
		return { ok: false, errors: { verify: 'This member has already confirmed their email address.' } };
	const sent = await resendVerification(db, member.id);
	if (!sent.ok) return { ok: false, errors: { verify: sent.errors.form ?? 'Try again later.' } };
	await audit(db, {
		actorId,
		action: 'member.verification_resent',
		subjectType: 'member',
		subjectId: member.id,
		details: {}
	});
	return { ok: true, value: null };
}

/**
 * Admins only (the caller checks with requireAdmin, and this checks again). The last admin cannot
 * stop being one: the admins' rows are locked first, so two admins demoting each other at once
 * cannot both succeed.
 */
export async function changeMemberRole(
	db: Database,
	actor: { id: string; role: Role },
	memberId: string,
	role: Role
): Promise<ActionOutcome<{ from: Role; to: Role }>> {
	if (actor.role !== 'admin') return { ok: false, errors: { role: 'Only admins can change roles.' } };
	return db.transaction(async (tx) => {
		const admins = await tx
			.select({ id: users.id })
			.from(users)
			.where(
				sql`${users.role} = 'admin' and not exists (select 1 from account_deletions d where d.member_id = ${users.id})`
			)
			.for('update');
		const [target] = await tx
			.select({ role: users.role })
			.from(users)
			.where(eq(users.id, memberId))
			.for('update');
		if (!target) return { ok: false as const, errors: { role: 'No such member.' } };
		if (target.role === role) return { ok: false as const, errors: { role: `They are already ${role}.` } };
		if (target.role === 'admin' && admins.length <= 1)
			return {
				ok: false as const,
				errors: {
					role:
						memberId === actor.id
							? 'You are the last admin: make someone else an admin first.'
							: 'This is the last admin: make someone else an admin first.'
				}
			};
		await tx.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, memberId));
		await audit(tx, {
			actorId: actor.id,
			action: 'member.role_changed',
			subjectType: 'member',
			subjectId: memberId,
			details: { from: target.role, to: role }
		});
		return { ok: true as const, value: { from: target.role, to: role } };
	});
}
