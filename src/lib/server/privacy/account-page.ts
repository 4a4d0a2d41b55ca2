// What /account/privacy shows about the signed-in member, and the export as a download.
import { and, eq, ne } from 'drizzle-orm';
import { audit } from '../audit';
import { getUserById, consume, type Limit } from '../auth';
import type { Database } from '../db';
import { users } from '../db/schema';
import { houseTimeZone } from '../house';
import { calendarDay } from '$lib/time';
import { exportMemberData } from './member-data';

/** Exports are heavy: a few an hour per member is plenty. */
export const EXPORT_LIMIT: Limit = { max: 10, windowSeconds: 60 * 60 };
/** Password guesses through the deletion form count like sign-in attempts. */
export const DELETE_LIMIT: Limit = { max: 8, windowSeconds: 15 * 60 };

export async function privacySettings(db: Database, memberId: string) {
	const user = await getUserById(db, memberId);
	if (!user) return null;
	const otherAdmins =
		user.role === 'admin'
			? await db
					.select({ id: users.id })
					.from(users)
					.where(and(eq(users.role, 'admin'), ne(users.id, memberId)))
					.limit(1)
			: [];
	return {
		consents: {
			analytics: user.consentAnalytics,
			marketing: user.consentMarketing,
			updatedAt: user.consentUpdatedAt?.toISOString() ?? null
		},
		role: user.role,
		lastAdmin: user.role === 'admin' && otherAdmins.length === 0
	};
}

export type ExportOutcome =
	{ ok: true; filename: string; body: string } | { ok: false; retryAfterSeconds: number };

/** The member's data as a JSON file; each export is audited. */
export async function exportForDownload(
	db: Database,
	memberId: string,
	now = new Date()
): Promise<ExportOutcome> {
	const limit = await consume(db, `export:account:${memberId}`, EXPORT_LIMIT, now);
	if (!limit.allowed) return { ok: false, retryAfterSeconds: limit.retryAfterSeconds };
	const user = await getUserById(db, memberId);
	if (!user) return { ok: false, retryAfterSeconds: 0 };
	const data = await exportMemberData(db, {
		memberId,
		email: user.email,
		displayName: user.displayName,
		now
	});
	await audit(db, {
		actorId: memberId,
		action: 'privacy.exported',
		subjectType: 'user',
		subjectId: memberId
	});
	return {
		ok: true,
		filename: `my-data-${calendarDay(now, houseTimeZone())}.json`,
		body: JSON.stringify(data, null, 2)
	};
}
