// Keys for partner systems (box office, shop, streaming) that send engagement in.
import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

/** Keys for partner systems (box office, shop, streaming) to send engagements. */
export const apiKeys = pgTable(
	'api_keys',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		/** The first characters of the key, shown so staff can tell keys apart. */
		prefix: text('prefix').notNull(),
		/** SHA-256 of the whole key: the key itself is shown once and never stored. */
		keyHash: text('key_hash').notNull(),
		/** Engagement kinds this key may send. */
		scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('api_keys_hash_unique').on(t.keyHash)]
);

export type ApiKey = typeof apiKeys.$inferSelect;
