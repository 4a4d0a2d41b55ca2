import type { Queryable } from './db';
import { auditLog } from './db/schema';

export interface AuditEntry {
	actorId: string | null;
	action: string;
	subjectType: string;
	subjectId?: string | null;
	details?: Record<string, unknown>;
}

/** Staff and security-relevant actions; written in the same transaction as the change. */
export async function audit(db: Queryable, entry: AuditEntry): Promise<void> {
	await db.insert(auditLog).values({
		actorId: entry.actorId,
		action: entry.action,
		subjectType: entry.subjectType,
		subjectId: entry.subjectId ?? null,
		details: entry.details ?? {}
	});
}
