// Drop bodies: Markdown rendered by `marked`, then every byte of HTML through a strict
// `sanitize-html` allow-list. Pure (no I/O): the editor preview and the saved body use the same path.
import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '$lib/html';

/** What the renderer needs of an uploaded file to turn `![alt](media:<id>)` into a tag. */
export interface MediaRef {
	id: string;
	kind: 'image' | 'audio' | 'video';
	variants: number[];
	width: number | null;
	height: number | null;
	alt: string;
}

/** Embeds allowed in a body; everything else in an iframe is dropped. */
export const IFRAME_HOSTS = [
	'www.youtube-nocookie.com',
	'player.vimeo.com',
	'bandcamp.com',
	'w.soundcloud.com'
] as const;

export const MEDIA_PREFIX = '/drops/media/';

export function mediaUrl(id: string, file: string): string {
	return `${MEDIA_PREFIX}${id}/${file}`;
}

export function imageFile(width: number): string {
	return `${width}.webp`;
}

const MEDIA_REF = /^media:([0-9a-f-]{36})$/i;

function mediaTag(ref: MediaRef, alt: string): string {
	const label = escapeHtml(alt || ref.alt);
	if (ref.kind === 'audio')
		return `<audio controls preload="none" src="${mediaUrl(ref.id, 'file')}"></audio>`;
	if (ref.kind === 'video')
		return `<video controls playsinline preload="none" src="${mediaUrl(ref.id, 'file')}" aria-label="${label}"></video>`;
	const widths = [...ref.variants].sort((a, b) => a - b);
	if (widths.length === 0) return '';
	const largest = widths[widths.length - 1];
	const middle = widths.find((w) => w >= 960) ?? largest;
	const srcset = widths.map((w) => `${mediaUrl(ref.id, imageFile(w))} ${w}w`).join(', ');
	const size =
		ref.width && ref.height
			? ` width="${Math.min(ref.width, largest)}" height="${Math.round((ref.height * Math.min(ref.width, largest)) / ref.width)}"`
			: '';
	return `<img src="${mediaUrl(ref.id, imageFile(middle))}" srcset="${srcset}" sizes="(min-width: 44rem) 40rem, 100vw" alt="${label}"${size} loading="lazy" decoding="async">`;
}

/** A line holding only a YouTube or Vimeo link becomes the player (privacy-enhanced hosts). */
function embedLinks(markdown: string): string {
	return markdown
		.split('\n')
		.map((line) => {
			const trimmed = line.trim();
			const yt =
				/^https?:\/\/(?:www\.|m\.)?(?:youtube\.com\/watch\?v=|youtu\.be\/)([\w-]{11})(?:[&?#]\S*)?$/.exec(
					trimmed
				);
			if (yt)
				return `<iframe src="https://www.youtube-nocookie.com/embed/${yt[1]}" title="YouTube video" allowfullscreen></iframe>`;
			const vimeo = /^https?:\/\/(?:www\.)?vimeo\.com\/(\d+)\/?$/.exec(trimmed);
			if (vimeo)
				return `<iframe src="https://player.vimeo.com/video/${vimeo[1]}" title="Vimeo video" allowfullscreen></iframe>`;
			return line;
		})
		.join('\n');
}

function markedFor(media: readonly MediaRef[]): Marked {
	const byId = new Map(media.map((m) => [m.id.toLowerCase(), m]));
	return new Marked({
		gfm: true,
		breaks: false,
		async: false,
		renderer: {
			image({ href, text }: Tokens.Image) {
				const ref = MEDIA_REF.exec(href ?? '');
				if (ref) {
					const found = byId.get(ref[1].toLowerCase());
					return found ? mediaTag(found, text) : '';
				}
				return `<img src="${escapeHtml(href ?? '')}" alt="${escapeHtml(text)}" loading="lazy">`;
			}
		}
	});
}

const SANITIZE: sanitizeHtml.IOptions = {
	allowedTags: [
		'h2',
		'h3',
		'h4',
		'p',
		'br',
		'hr',
		'strong',
		'em',
		'del',
		's',
		'blockquote',
		'ul',
		'ol',
		'li',
		'a',
		'code',
		'pre',
		'img',
		'figure',
		'figcaption',
		'audio',
		'video',
		'iframe',
		'table',
		'thead',
		'tbody',
		'tr',
		'th',
		'td'
	],
	allowedAttributes: {
		a: ['href', 'title', 'rel'],
		img: ['src', 'srcset', 'sizes', 'alt', 'title', 'width', 'height', 'loading', 'decoding'],
		audio: ['src', 'controls', 'preload'],
		video: ['src', 'controls', 'preload', 'playsinline', 'aria-label'],
		iframe: ['src', 'title', 'allowfullscreen', 'loading', 'sandbox', 'referrerpolicy'],
		ol: ['start'],
		th: ['align'],
		td: ['align']
	},
	// No javascript:, data:, vbscript: or protocol-relative URLs; relative ones stay on our origin.
	allowedSchemes: ['https', 'mailto'],
	allowedSchemesByTag: { img: ['https'], audio: [], video: [], iframe: ['https'] },
	allowProtocolRelative: false,
	allowedIframeHostnames: [...IFRAME_HOSTS],
	allowIframeRelativeUrls: false,
	disallowedTagsMode: 'discard',
	// The page has the drop's title as its h1: headings in the body start at h2.
	transformTags: {
		h1: 'h2',
		a: (tagName, attribs) => ({
			tagName,
			attribs: { ...attribs, rel: 'noopener noreferrer nofollow ugc' }
		}),
		iframe: (tagName, attribs) => ({
			tagName,
			attribs: {
				...attribs,
				loading: 'lazy',
				referrerpolicy: 'strict-origin-when-cross-origin',
				sandbox: 'allow-scripts allow-same-origin allow-presentation allow-popups'
			}
		})
	},
	exclusiveFilter: (frame) => {
		// Our own relative URLs may only point at the authorised media route.
		const src = frame.attribs.src;
		if (['img', 'audio', 'video'].includes(frame.tag)) {
			if (!src) return true;
			if (!src.startsWith('https://') && !src.startsWith(MEDIA_PREFIX)) return true;
		}
		if (frame.tag === 'iframe' && !src) return true;
		return false;
	}
};

/** Any HTML made safe to put in a page: the last step of every body. */
export function sanitizeBody(html: string): string {
	return sanitizeHtml(html, SANITIZE);
}

/** Markdown (with `media:<id>` references to this drop's uploads) to safe HTML. */
export function renderMarkdown(markdown: string, media: readonly MediaRef[] = []): string {
	const html = markedFor(media).parse(embedLinks(markdown)) as string;
	return sanitizeBody(html).trim();
}

/** Every `/drops/media/<id>` a piece of HTML points at: the leak tests look for these. */
export function mediaIdsIn(html: string): string[] {
	const ids = new Set<string>();
	for (const m of html.matchAll(/\/drops\/media\/([0-9a-f-]{36})\//gi)) ids.add(m[1].toLowerCase());
	return [...ids];
}
