// Everything stored about one member, found by enumerating the schema with the personal data
// policy: the JSON export, and the erasure that anonymises what must stay and deletes the rest.
import { eq, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db';
import { isPersonal, personalDataPolicy, type MemberRef, type PersonalTable } from './policy';
import { childrenFirst, schemaTables, type ScannedTable } from './schema-scan';
import { scrubValue } from './scrub';

export const EXPORT_FORMAT = 'encore-member-export/1';

interface PersonalScan {
	scan: ScannedTable;
	policy: PersonalTable;
}

/** Every personal table, or an error naming the first one the policy does not classify. */
export function personalTables(): PersonalScan[] {
	const result: PersonalScan[] = [];
	for (const scan of schemaTables()) {
		const policy = personalDataPolicy[scan.name];
		if (!policy) throw new Error(`The personal data policy does not classify the table ${scan.name}`);
		if (isPersonal(policy)) result.push({ scan, policy });
		else if (scan.memberColumns.length > 0)
			throw new Error(`${scan.name} holds member ids but the policy calls it impersonal`);
	}
	return result;
}

function memberRows({ scan, policy }: PersonalScan, member: MemberRef): SQL | undefined {
	const conditions: SQL[] = policy.memberColumns.map((name) => {
		const entry = scan.columns.get(name);
		if (!entry) throw new Error(`${scan.name}.${name} is in the policy but not in the schema`);
		return eq(entry.column, member.memberId);
	});
	if (policy.alsoMatch) conditions.push(policy.alsoMatch(scan.table, member));
	return conditions.length === 1 ? conditions[0] : or(...conditions);
}

export interface MemberExport {
	format: string;
	exportedAt: string;
	member: Record<string, unknown>;
	consents: { analytics: boolean; marketing: boolean; updatedAt: string | null };
	/** SQL table name → the member's rows, secrets left out. */
	tables: Record<string, Record<string, unknown>[]>;
}

/** The member's data from every personal table, for "Download my data". */
export async function exportMemberData(db: Queryable, member: MemberRef): Promise<MemberExport> {
	const tables: Record<string, Record<string, unknown>[]> = {};
	for (const entry of personalTables()) {
		const where = memberRows(entry, member);
		const rows = (await db.select().from(entry.scan.table).where(where)) as Record<string, unknown>[];
		const hidden = new Set((entry.policy.secret ?? []).map((name) => entry.scan.columns.get(name)?.key));
		tables[entry.scan.name] = rows.map((row) =>
			Object.fromEntries(Object.entries(row).filter(([key]) => !hidden.has(key)))
		);
	}
	const profile = tables.users?.[0] ?? {};
	return {
		format: EXPORT_FORMAT,
		exportedAt: member.now.toISOString(),
		member: profile,
		consents: {
			analytics: profile.consentAnalytics === true,
			marketing: profile.consentMarketing === true,
			updatedAt: profile.consentUpdatedAt instanceof Date ? profile.consentUpdatedAt.toISOString() : null
		},
		tables
	};
}

/**
 * Erases the member by the policy, inside the caller's transaction: purely personal rows are
 * deleted (children before the tables they point at), kept rows get their personal columns
 * replaced, nulled or scrubbed. Returns the number of rows touched per table.
 */
export async function eraseMemberData(tx: Queryable, member: MemberRef): Promise<Record<string, number>> {
	const touched: Record<string, number> = {};
	const entries = personalTables();
	const byName = new Map(entries.map((e) => [e.scan.name, e]));
	for (const scan of childrenFirst(entries.map((e) => e.scan))) {
		const entry = byName.get(scan.name)!;
		const where = memberRows(entry, member);
		if (entry.policy.erase === 'delete') {
			const deleted = await tx
				.delete(scan.table)
				.where(where)
				.returning({ one: sql`1` });
			touched[scan.name] = deleted.length;
			continue;
		}
		touched[scan.name] = await anonymiseRows(tx, entry, where, member);
	}
	return touched;
}

async function anonymiseRows(
	tx: Queryable,
	{ scan, policy }: PersonalScan,
	where: SQL | undefined,
	member: MemberRef
): Promise<number> {
	const set: Record<string, unknown> = {};
	const scrubbed: string[] = [];
	for (const [name, rule] of Object.entries(policy.columns ?? {})) {
		const key = scan.columns.get(name)?.key;
		if (!key) throw new Error(`${scan.name}.${name} is in the policy but not in the schema`);
		if (rule === 'keep') continue;
		if (rule === 'null') set[key] = null;
		else if (rule === 'scrub') scrubbed.push(key);
		else set[key] = rule.set(member);
	}
	let count = 0;
	if (Object.keys(set).length > 0) {
		const updated = await tx
			.update(scan.table)
			.set(set)
			.where(where)
			.returning({ one: sql`1` });
		count = updated.length;
	}
	if (scrubbed.length > 0) {
		// Scrubbing rewrites string values in JS (never raw text replacement inside JSON).
		const primary = [...scan.columns.values()].find((c) => c.column.primary);
		if (!primary) throw new Error(`${scan.name} needs a primary key to scrub ${scrubbed.join(', ')}`);
		const rows = (await tx.select().from(scan.table).where(where)) as Record<string, unknown>[];
		for (const row of rows) {
			const changes: Record<string, unknown> = {};
			for (const key of scrubbed) {
				const next = scrubValue(row[key], member);
				if (next !== row[key]) changes[key] = next;
			}
			if (Object.keys(changes).length === 0) continue;
			await tx.update(scan.table).set(changes).where(eq(primary.column, row[primary.key]));
		}
		count = Math.max(count, rows.length);
	}
	return count;
}
