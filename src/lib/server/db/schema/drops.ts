// Tables for drops: exclusive content gated by tier, with early-access windows.
// Who may see what is decided by one pure function (src/lib/server/drops/access.ts), never here.
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	primaryKey,
	serial,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { timestamps, users } from './accounts';

/** An early-access window of a drop: fans of `rank` and above may open it `delayMinutes` after publishing. */
export interface DropWindow {
	rank: number;
	delayMinutes: number;
}

export const dropStatusEnum = pgEnum('drop_status', ['draft', 'scheduled', 'published', 'archived']);
export type DropStatus = (typeof dropStatusEnum.enumValues)[number];

export const drops = pgTable(
	'drops',
	{
		id: serial('id').primaryKey(),
		slug: text('slug').notNull(),
		title: text('title').notNull(),
		/** The teaser: shown to everyone who may know the drop exists, locked or not. */
		summary: text('summary').notNull().default(''),
		/** Markdown as staff wrote it; `bodyHtml` is it rendered and sanitised at save time. */
		body: text('body').notNull().default(''),
		bodyHtml: text('body_html').notNull().default(''),
		minRank: integer('min_rank').notNull().default(0),
		windows: jsonb('windows').$type<DropWindow[]>().notNull().default([]),
		status: dropStatusEnum('status').notNull().default('draft'),
		/** When it goes (or went) live; the access rule reads this, so a due drop is visible on the second. */
		publishAt: timestamp('publish_at', { withTimezone: true }),
		pinned: boolean('pinned').notNull().default(false),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		...timestamps
	},
	(t) => [
		uniqueIndex('drops_slug_unique').on(t.slug),
		index('drops_feed_idx').on(t.status, t.publishAt),
		check('drops_min_rank_nonnegative', sql`${t.minRank} >= 0`),
		check('drops_live_has_time', sql`${t.status} in ('draft', 'archived') or ${t.publishAt} is not null`)
	]
);

/** Every saved version of a drop's content, newest last: the revision history. */
export const dropRevisions = pgTable(
	'drop_revisions',
	{
		id: serial('id').primaryKey(),
		dropId: integer('drop_id')
			.notNull()
			.references(() => drops.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		summary: text('summary').notNull(),
		body: text('body').notNull(),
		minRank: integer('min_rank').notNull(),
		windows: jsonb('windows').$type<DropWindow[]>().notNull(),
		editedBy: uuid('edited_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('drop_revisions_drop_idx').on(t.dropId, t.createdAt)]
);

export const dropMediaKindEnum = pgEnum('drop_media_kind', ['image', 'audio', 'video']);

/** Uploaded files; they live in the storage folder and are served only through the access check. */
export const dropMedia = pgTable(
	'drop_media',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		dropId: integer('drop_id')
			.notNull()
			.references(() => drops.id, { onDelete: 'cascade' }),
		kind: dropMediaKindEnum('kind').notNull(),
		/** The sniffed type of what is stored (image variants are always WebP). */
		mime: text('mime').notNull(),
		originalName: text('original_name').notNull(),
		bytes: integer('bytes').notNull(),
		width: integer('width'),
		height: integer('height'),
		/** Image widths stored as `<width>.webp`; audio and video are one file named `file`. */
		variants: jsonb('variants').$type<number[]>().notNull().default([]),
		alt: text('alt').notNull().default(''),
		uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('drop_media_drop_idx').on(t.dropId)]
);

/**
 * A moment a drop opens for more members (publishing, then each window): due work claims it once,
 * when it is due, and tells exactly the members who can see the drop then.
 */
export const dropReleases = pgTable(
	'drop_releases',
	{
		dropId: integer('drop_id')
			.notNull()
			.references(() => drops.id, { onDelete: 'cascade' }),
		/** The lowest rank this release lets in. */
		rank: integer('rank').notNull(),
		opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
		announcedAt: timestamp('announced_at', { withTimezone: true })
	},
	(t) => [
		primaryKey({ columns: [t.dropId, t.rank] }),
		index('drop_releases_due_idx')
			.on(t.opensAt)
			.where(sql`${t.announcedAt} is null`)
	]
);

/** When the member last looked at the drops feed: what is newer gets a "new" badge. */
export const dropFeedVisits = pgTable('drop_feed_visits', {
	memberId: uuid('member_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	seenAt: timestamp('seen_at', { withTimezone: true }).notNull()
});

/** A member's private RSS/Atom link: only the SHA-256 of its token is kept; a new one revokes the old. */
export const dropFeedTokens = pgTable(
	'drop_feed_tokens',
	{
		memberId: uuid('member_id')
			.primaryKey()
			.references(() => users.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('drop_feed_tokens_hash_unique').on(t.tokenHash)]
);

export type Drop = typeof drops.$inferSelect;
export type DropRevision = typeof dropRevisions.$inferSelect;
export type DropMedia = typeof dropMedia.$inferSelect;
export type DropRelease = typeof dropReleases.$inferSelect;
