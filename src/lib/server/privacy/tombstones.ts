// An erased account keeps its users row (an anonymised tombstone) so the ledger stays whole.
// Lists, metrics and look-ups by id that mean "members" filter tombstones out with this.
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** True for rows whose member id is not an erased account. */
export function notErased(memberId: AnyColumn | SQL): SQL {
	return sql`not exists (select 1 from account_deletions d where d.member_id = ${memberId})`;
}
