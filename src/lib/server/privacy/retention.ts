// Retention due work: warns fans inactive for a long time, removes them (through the one
// deletion path) if they stay away, and erases delivered account-deletion confirmations from the
// outbox. Every step claims its rows atomically, so several instances do each thing once.
import { and, eq, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { config } from '../config';
import { rowsOf, type Database } from '../db';
import { mailOutbox, privacyRuns, retentionNotices } from '../db/schema';
import { formatDay } from '$lib/time';
import { getHouse, houseTimeZone } from '../house';
import { log } from '../log';
import { sendMail } from '../notifications';
import { deleteAccount } from './delete-account';
import { inactiveWarningMessage } from './messages';
import {
	confirmationPurgeBefore,
	removalDue,
	retentionEnabled,
	warnIfInactiveSince,
	type RetentionSettings
} from './retention-rules';

const HOUR = 60 * 60 * 1000;

export function configuredRetention(): RetentionSettings {
	return { inactiveDays: config.retentionInactiveDays, warningDays: config.retentionWarningDays };
}

interface Activity {
	id: string;
	email: string;
	display_name: string;
	last_active: Date;
}

/**
 * Fans (never staff, never erased accounts) with their last activity: sign-up, sign-in, or an
 * engagement of their own (a visit, a vote, a check-in; staff adjustments do not count).
 */
const activity = sql`
	select u.id, u.email, u.display_name,
		greatest(
			u.created_at,
			(select max(e.occurred_at) from engagements e where e.member_id = u.id and e.actor_id is null),
			(select max(s.created_at) from sessions s where s.user_id = u.id)
		) as last_active
	from users u
	where u.role = 'fan' and not exists (select 1 from account_deletions d where d.member_id = u.id)`;

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

export interface RetentionReport {
	purgedConfirmations: number;
	cleared: number;
	warned: string[];
	removed: string[];
}

/** Deletion confirmations leave the outbox once delivered (or after a week undelivered). */
async function purgeConfirmations(db: Database, now: Date): Promise<number> {
	const rows = await db
		.delete(mailOutbox)
		.where(
			and(
				eq(mailOutbox.kind, 'account_deleted'),
				or(isNotNull(mailOutbox.sentAt), lte(mailOutbox.createdAt, confirmationPurgeBefore(now)))
			)
		)
		.returning({ id: mailOutbox.id });
	return rows.length;
}

/** Not being removed, or the instance that claimed it an hour ago died before finishing. */
function unclaimed(now: Date) {
	return or(
		isNull(retentionNotices.removingAt),
		lte(retentionNotices.removingAt, new Date(now.getTime() - HOUR))
	);
}

/** The retention pass itself, with an explicit clock and settings (tests call it directly). */
export async function runRetention(
	db: Database,
	now: Date,
	settings: RetentionSettings = configuredRetention()
): Promise<RetentionReport> {
	const report: RetentionReport = { purgedConfirmations: 0, cleared: 0, warned: [], removed: [] };
	report.purgedConfirmations = await purgeConfirmations(db, now);
	if (!retentionEnabled(settings)) return report;

	// Came back (or became staff) since the warning: the removal is off.
	const cleared = rowsOf<{ member_id: string }>(
		await db.execute(sql`
			delete from retention_notices n
			where n.removing_at is null and not exists (
				select 1 from (${activity}) a where a.id = n.member_id and a.last_active <= n.last_active_at)
			returning n.member_id`)
	);
	report.cleared = cleared.length;

	const house = await getHouse(db);
	const warnBefore = warnIfInactiveSince(now, settings);
	const toWarn = rowsOf<Activity>(
		await db.execute(sql`
			select a.* from (${activity}) a
			where a.last_active <= ${warnBefore.toISOString()}::timestamptz
				and not exists (select 1 from retention_notices n where n.member_id = a.id)
			order by a.last_active
			limit 500`)
	);
	for (const member of toWarn) {
		const lastActiveAt = asDate(member.last_active);
		const due = removalDue(lastActiveAt, now, settings);
		// The insert is the claim: another instance that got here too inserts nothing and sends nothing.
		const [claimed] = await db
			.insert(retentionNotices)
			.values({ memberId: member.id, lastActiveAt, warnedAt: now, removalDueAt: due })
			.onConflictDoNothing()
			.returning({ id: retentionNotices.memberId });
		if (!claimed) continue;
		await sendMail(db, {
			to: member.email,
			kind: 'retention_warning',
			...inactiveWarningMessage(
				house.name,
				member.display_name,
				formatDay(due, houseTimeZone(), now),
				`${config.origin}/login`
			)
		});
		report.warned.push(member.id);
	}

	const due = await db
		.select({ memberId: retentionNotices.memberId })
		.from(retentionNotices)
		.where(and(lte(retentionNotices.removalDueAt, now), unclaimed(now)))
		.limit(100);
	for (const { memberId } of due) {
		const [claimed] = await db
			.update(retentionNotices)
			.set({ removingAt: now })
			.where(and(eq(retentionNotices.memberId, memberId), unclaimed(now)))
			.returning({ id: retentionNotices.memberId });
		if (!claimed) continue;
		const outcome = await deleteAccount(db, memberId, 'retention', now);
		if (outcome.ok) report.removed.push(memberId);
		else {
			// A hook failed (billing unreachable): try again on a later run.
			log.error('retention removal failed', { member: memberId, errors: outcome.errors });
			await db
				.update(retentionNotices)
				.set({ removingAt: null })
				.where(eq(retentionNotices.memberId, memberId));
		}
	}
	return report;
}

/** The scheduler's entry: at most one pass an hour across every instance (the claim is atomic). */
export async function runRetentionDueWork(db: Database, now: Date): Promise<RetentionReport | null> {
	const since = new Date(now.getTime() - HOUR);
	const [claimed] = await db
		.insert(privacyRuns)
		.values({ name: 'retention', lastRunAt: now })
		.onConflictDoUpdate({
			target: privacyRuns.name,
			set: { lastRunAt: now },
			// A run stamped in the future (the clock moved back) does not block the next one.
			setWhere: or(
				lte(privacyRuns.lastRunAt, since),
				sql`${privacyRuns.lastRunAt} > ${now.toISOString()}::timestamptz`
			)
		})
		.returning({ name: privacyRuns.name });
	if (!claimed) return null;
	return runRetention(db, now);
}
