// The house itself: its single settings row, the secrets the server generates once, and the audit
// log of every staff action.
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { timestamps, users } from './accounts';

/** The house (artist, band, theatre) this portal belongs to: a single row. */
export const house = pgTable(
	'house',
	{
		id: integer('id').primaryKey().default(1),
		name: text('name').notNull(),
		tagline: text('tagline').notNull().default(''),
		about: text('about').notNull().default(''),
		...timestamps
	},
	(t) => [check('house_single_row', sql`${t.id} = 1`)]
);

export type House = typeof house.$inferSelect;

/** Secrets the server generates once and keeps (member-card signing key, later VAPID keys). */
export const serverSecrets = pgTable('server_secrets', {
	name: text('name').primaryKey(),
	value: text('value').notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

export const auditLog = pgTable(
	'audit_log',
	{
		id: serial('id').primaryKey(),
		actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
		action: text('action').notNull(),
		subjectType: text('subject_type').notNull(),
		subjectId: text('subject_id'),
		details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('audit_log_created_idx').on(t.createdAt)]
);
