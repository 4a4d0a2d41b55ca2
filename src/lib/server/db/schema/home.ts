// The personal home (/me): when the member last opened it, so "New for you" lists what became
// readable for them since. What is readable is decided by drops' access rule, never here.
import { pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

export const homeVisits = pgTable('home_visits', {
	memberId: uuid('member_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	/** The visit before the latest one: "new" is measured from it, so a reload keeps the list. */
	previousAt: timestamp('previous_at', { withTimezone: true }),
	seenAt: timestamp('seen_at', { withTimezone: true }).notNull()
});
