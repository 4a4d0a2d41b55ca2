// The only way a drop's file leaves the server: the member must be able to read the drop now.
import { stat } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db';
import { dropMedia, drops } from '../db/schema';
import { canRead, dropAccess } from './access';
import { viewerOf, type Member } from './fan';
import { mediaFilePath } from './media';

export interface ServableFile {
	path: string;
	mime: string;
	size: number;
}

/** The file to send, or null (unknown, not readable by this member, or not one of our names). */
export async function openMediaFile(
	db: Queryable,
	member: Member | null,
	mediaId: string,
	name: string,
	now: Date
): Promise<ServableFile | null> {
	if (!member || !/^[0-9a-f-]{36}$/i.test(mediaId)) return null;
	const [row] = await db
		.select({ media: dropMedia, drop: drops })
		.from(dropMedia)
		.innerJoin(drops, eq(drops.id, dropMedia.dropId))
		.where(eq(dropMedia.id, mediaId))
		.limit(1);
	if (!row) return null;
	const { viewer, ladder } = await viewerOf(db, member, now);
	const access = dropAccess(
		row.drop,
		viewer,
		now,
		ladder.map((t) => t.rank)
	);
	if (!canRead(access)) return null;
	const file = mediaFilePath(row.media, name);
	if (!file) return null;
	const info = await stat(file).catch(() => null);
	if (!info?.isFile()) return null;
	return { path: file, mime: row.media.kind === 'image' ? 'image/webp' : row.media.mime, size: info.size };
}
