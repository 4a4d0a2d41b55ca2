// What an upload may be: the type comes from the file's bytes (sniffed), never from the name or the
// browser's claim, and a claim that contradicts the bytes is refused. Pure.

export type MediaKind = 'image' | 'audio' | 'video';

/** Sniffed MIME type → what we store it as. No SVG (it can carry script), no HTML, no archives. */
export const ACCEPTED: Record<string, MediaKind> = {
	'image/jpeg': 'image',
	'image/png': 'image',
	'image/webp': 'image',
	'image/gif': 'image',
	'image/avif': 'image',
	'audio/mpeg': 'audio',
	'audio/mp4': 'audio',
	'audio/x-m4a': 'audio',
	'audio/ogg': 'audio',
	'audio/opus': 'audio',
	'audio/wav': 'audio',
	'audio/flac': 'audio',
	'audio/x-flac': 'audio',
	'video/mp4': 'video',
	'video/webm': 'video',
	'video/quicktime': 'video'
};

/** Names browsers and file-type use for the same thing. */
const ALIASES: Record<string, string> = {
	'image/jpg': 'image/jpeg',
	'image/pjpeg': 'image/jpeg',
	'audio/mp3': 'audio/mpeg',
	'audio/x-mp3': 'audio/mpeg',
	'audio/x-m4a': 'audio/mp4',
	'audio/m4a': 'audio/mp4',
	'audio/x-wav': 'audio/wav',
	'audio/wave': 'audio/wav',
	'audio/vnd.wave': 'audio/wav',
	'audio/x-flac': 'audio/flac',
	'audio/opus': 'audio/ogg',
	'video/x-m4v': 'video/mp4'
};

const canonical = (mime: string) => ALIASES[mime.toLowerCase()] ?? mime.toLowerCase();

/** Claims that say nothing: the browser did not know. */
const UNKNOWN_CLAIMS = new Set(['', 'application/octet-stream']);

export type UploadCheck = { ok: true; kind: MediaKind; mime: string } | { ok: false; error: string };

export function checkUpload(input: {
	size: number;
	maxBytes: number;
	/** From the file's content (file-type); undefined when it recognised nothing. */
	sniffed: string | undefined;
	/** What the browser said (File.type). */
	claimed: string;
}): UploadCheck {
	const { size, maxBytes, sniffed, claimed } = input;
	if (size === 0) return { ok: false, error: 'The file is empty.' };
	if (size > maxBytes)
		return {
			ok: false,
			error: `The file is too large (${megabytes(size)}); the limit is ${megabytes(maxBytes)}.`
		};
	const kind = sniffed ? ACCEPTED[sniffed] : undefined;
	if (!sniffed || !kind)
		return {
			ok: false,
			error:
				'This type of file is not accepted. Use an image (JPEG, PNG, WebP, GIF, AVIF), audio (MP3, M4A, Ogg, WAV, FLAC) or video (MP4, WebM, MOV).'
		};
	if (!UNKNOWN_CLAIMS.has(claimed.toLowerCase()) && canonical(claimed) !== canonical(sniffed))
		return {
			ok: false,
			error: `The file says it is ${claimed} but its content is ${sniffed}. Export it again in the right format.`
		};
	return { ok: true, kind, mime: sniffed };
}

function megabytes(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
}

/** Image widths stored (WebP): never wider than the original. */
export const IMAGE_WIDTHS = [480, 960, 1600] as const;

export function widthsFor(originalWidth: number): number[] {
	const widths: number[] = IMAGE_WIDTHS.filter((w) => w < originalWidth);
	if (originalWidth <= IMAGE_WIDTHS[IMAGE_WIDTHS.length - 1]) widths.push(originalWidth);
	return widths.length ? widths : [originalWidth];
}

/** The only file names the media route serves: `<width>.webp` for images, `file` otherwise. */
export function isServableName(name: string, kind: MediaKind, variants: readonly number[]): boolean {
	if (kind !== 'image') return name === 'file';
	const m = /^(\d{1,5})\.webp$/.exec(name);
	return !!m && variants.includes(Number(m[1]));
}
