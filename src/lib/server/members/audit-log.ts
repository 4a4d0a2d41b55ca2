// The audit log, filtered and paginated for /staff/audit: newest first, with the actor's name.
import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable } from '../db';
import { auditLog, users } from '../db/schema';
import { houseTimeZone } from '../house';
import { startOfDay } from '../house-time';
import { likePattern } from './filter';
import { AUDIT_PAGE, type AuditFilter } from './audit-text';

export async function listAudit(db: Queryable, f: AuditFilter) {
	const actor = alias(users, 'actor');
	const subject = alias(users, 'subject');
	const conditions: SQL[] = [];
	if (f.action) conditions.push(eq(auditLog.action, f.action));
	if (f.actor) {
		const p = likePattern(f.actor);
		conditions.push(
			/^[0-9a-f-]{36}$/i.test(f.actor)
				? eq(auditLog.actorId, f.actor)
				: or(sql`${actor.email} ilike ${p}`, sql`${actor.displayName} ilike ${p}`)!
		);
	}
	if (f.subjectType) conditions.push(eq(auditLog.subjectType, f.subjectType));
	if (f.subjectId) conditions.push(eq(auditLog.subjectId, f.subjectId));
	// Days as staff mean them: on the house clock.
	const from = f.from ? startOfDay(f.from, houseTimeZone()) : null;
	const to = f.to ? startOfDay(f.to, houseTimeZone(), 1) : null;
	if (from) conditions.push(gte(auditLog.createdAt, from));
	if (to) conditions.push(lt(auditLog.createdAt, to));
	const where = conditions.length ? and(...conditions) : undefined;
	const base = db
		.select({
			id: auditLog.id,
			action: auditLog.action,
			subjectType: auditLog.subjectType,
			subjectId: auditLog.subjectId,
			details: auditLog.details,
			createdAt: auditLog.createdAt,
			actorId: auditLog.actorId,
			actorName: actor.displayName,
			actorEmail: actor.email,
			subjectName: subject.displayName
		})
		.from(auditLog)
		.leftJoin(actor, eq(actor.id, auditLog.actorId))
		.leftJoin(
			subject,
			sql`${auditLog.subjectType} in ('member', 'user') and ${subject.id}::text = ${auditLog.subjectId}`
		);
	const [rows, [{ n }], actions] = await Promise.all([
		base
			.where(where)
			.orderBy(desc(auditLog.createdAt), desc(auditLog.id))
			.limit(AUDIT_PAGE + 1)
			.offset((f.page - 1) * AUDIT_PAGE),
		db
			.select({ n: sql<number>`count(*)::int`.mapWith(Number) })
			.from(auditLog)
			.leftJoin(actor, eq(actor.id, auditLog.actorId))
			.where(where),
		db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action)
	]);
	return {
		entries: rows.slice(0, AUDIT_PAGE),
		hasNext: rows.length > AUDIT_PAGE,
		total: n,
		actions: actions.map((a) => a.action)
	};
}
