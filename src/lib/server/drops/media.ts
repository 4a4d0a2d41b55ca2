// Drop uploads on disk: sniffed, images resized to WebP widths (metadata such as GPS stripped),
// stored under the configured folder, then recorded. Files first, row second, files removed again
// if anything fails: a row never points at missing files and no half-written upload is served.
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { audit } from '../audit';
import { config } from '../config';
import type { Queryable } from '../db';
import { dropMedia, type DropMedia } from '../db/schema';
import { log } from '../log';
import { checkUpload, isServableName, widthsFor } from './upload-rules';

export type UploadResult = { ok: true; media: DropMedia } | { ok: false; error: string };

/** The folder of one upload; ids are UUIDs we generate, so the path never comes from the client. */
export function mediaDir(id: string, root = config.dropsMediaDir): string {
	return path.join(root, id);
}

export function mediaFilePath(
	media: Pick<DropMedia, 'id' | 'kind' | 'variants'>,
	name: string
): string | null {
	if (!isServableName(name, media.kind, media.variants)) return null;
	return path.join(mediaDir(media.id), name);
}

export async function storeUpload(
	db: Queryable,
	input: { dropId: number; file: File; alt: string; actorId: string },
	options: { root?: string; maxBytes?: number } = {}
): Promise<UploadResult> {
	const root = options.root ?? config.dropsMediaDir;
	const maxBytes = options.maxBytes ?? config.dropsMaxUploadBytes;
	const { file } = input;
	// The size first, before reading anything into memory.
	if (file.size > maxBytes || file.size === 0) {
		const check = checkUpload({ size: file.size, maxBytes, sniffed: undefined, claimed: file.type });
		return { ok: false, error: check.ok ? 'The file could not be read.' : check.error };
	}
	const bytes = Buffer.from(await file.arrayBuffer());
	const sniffed = await fileTypeFromBuffer(bytes);
	const check = checkUpload({ size: bytes.length, maxBytes, sniffed: sniffed?.mime, claimed: file.type });
	if (!check.ok) return check;

	const id = randomUUID();
	const incoming = path.join(root, `.incoming-${id}`);
	const final = mediaDir(id, root);
	try {
		await mkdir(incoming, { recursive: true });
		let width: number | null = null;
		let height: number | null = null;
		let variants: number[] = [];
		let mime = check.mime;
		if (check.kind === 'image') {
			const image = sharp(bytes, { limitInputPixels: 50_000_000 }).rotate();
			const meta = await image.metadata();
			// Orientation 5–8 swaps the axes once rotated.
			const swap = (meta.orientation ?? 1) >= 5;
			width = (swap ? meta.height : meta.width) ?? null;
			height = (swap ? meta.width : meta.height) ?? null;
			if (!width || !height) return { ok: false, error: 'We could not read this image.' };
			variants = widthsFor(width);
			for (const w of variants) {
				await image
					.clone()
					.resize({ width: w, withoutEnlargement: true })
					.webp({ quality: 80 })
					.toFile(path.join(incoming, `${w}.webp`));
			}
			mime = 'image/webp';
		} else {
			await writeFile(path.join(incoming, 'file'), bytes);
		}
		await rename(incoming, final);
		const [media] = await db
			.insert(dropMedia)
			.values({
				id,
				dropId: input.dropId,
				kind: check.kind,
				mime,
				originalName: file.name.slice(0, 200),
				bytes: bytes.length,
				width,
				height,
				variants,
				alt: input.alt.slice(0, 300),
				uploadedBy: input.actorId
			})
			.returning();
		await audit(db, {
			actorId: input.actorId,
			action: 'drop.media_uploaded',
			subjectType: 'drop',
			subjectId: String(input.dropId),
			details: { mediaId: id, kind: check.kind, bytes: bytes.length }
		});
		return { ok: true, media };
	} catch (err) {
		await Promise.all([
			rm(incoming, { recursive: true, force: true }),
			rm(final, { recursive: true, force: true })
		]);
		if (
			err instanceof Error &&
			/unsupported image format|Input buffer|corrupt|VipsJpeg|pngload/i.test(err.message)
		)
			return { ok: false, error: 'We could not read this image: the file looks damaged.' };
		log.error('drop upload failed', { dropId: input.dropId, error: String(err) });
		throw err;
	} finally {
		await rm(incoming, { recursive: true, force: true }).catch(() => undefined);
	}
}

/** Removes the row, then the files (orphaned files are harmless: nothing serves them). */
export async function deleteMedia(
	db: Queryable,
	dropId: number,
	mediaId: string,
	actorId: string,
	root = config.dropsMediaDir
): Promise<boolean> {
	const [gone] = await db
		.delete(dropMedia)
		.where(and(eq(dropMedia.id, mediaId), eq(dropMedia.dropId, dropId)))
		.returning();
	if (!gone) return false;
	await audit(db, {
		actorId,
		action: 'drop.media_deleted',
		subjectType: 'drop',
		subjectId: String(dropId),
		details: { mediaId }
	});
	await rm(mediaDir(mediaId, root), { recursive: true, force: true }).catch(() => undefined);
	return true;
}
