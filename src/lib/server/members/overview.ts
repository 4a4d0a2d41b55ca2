// The headline member counts on the staff overview: everyone with an account, who joined in the
// last 30 days, who confirmed their email.
import { count, sql } from 'drizzle-orm';
import type { Queryable } from '../db';
import { users } from '../db/schema';

export async function memberCounts(
	db: Queryable
): Promise<{ total: number; last30: number; verified: number }> {
	const [row] = await db
		.select({
			total: count(),
			last30: sql<number>`count(*) filter (where ${users.createdAt} > now() - interval '30 days')`.mapWith(
				Number
			),
			verified: sql<number>`count(*) filter (where ${users.emailVerifiedAt} is not null)`.mapWith(Number)
		})
		.from(users);
	return row;
}
