// Forms that create something carry a one-time key issued when the page was shown; the first
// submission with it claims the row, and a double click or the same form posted five times at once
// gets the first one's result instead of creating again (src/lib/server/submit-once.ts).
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

export const formSubmissions = pgTable('form_submissions', {
	/** The form's key (a UUID from its page), prefixed with what it creates: `event:…`. */
	key: text('key').primaryKey(),
	actorId: uuid('actor_id')
		.notNull()
		.references(() => users.id, { onDelete: 'cascade' }),
	/** What the first submission answered (a redirect path, or a short JSON summary); null while it runs. */
	result: text('result'),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});
