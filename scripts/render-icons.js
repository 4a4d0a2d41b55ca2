// Draws the Encore mark and renders the PWA icons into static/ (run: node scripts/render-icons.js).
// The mark: a white star with its "encore" echo, a second star one step up and to the right,
// on the brand violet. Rendered by headless Chromium so the PNGs match the SVG exactly.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (file) => join(root, 'static', file);

/** A five-pointed star centred on (cx, cy), turned by `turn` degrees, as an SVG path. */
function star(cx, cy, outer, inner, turn = 0) {
	const points = [];
	for (let i = 0; i < 10; i++) {
		const radius = i % 2 === 0 ? outer : inner;
		const angle = -Math.PI / 2 + (i * Math.PI) / 5 + (turn * Math.PI) / 180;
		points.push(
			`${(cx + radius * Math.cos(angle)).toFixed(2)} ${(cy + radius * Math.sin(angle)).toFixed(2)}`
		);
	}
	return `M${points.join('L')}Z`;
}

/**
 * The mark on a 512 × 512 canvas, scaled by `scale` around the centre.
 * `shape` is 'rounded' (transparent corners, for "any" icons and the favicon) or 'square'
 * (full bleed, for maskable and Apple icons, which the platform crops itself).
 */
function icon({ shape, scale }) {
	const c = 256;
	const s = (v) => c + (v - c) * scale;
	const size = (v) => v * scale;
	// The main star sits a little low and left, so the pair is optically centred.
	const main = star(s(238), s(280), size(168), size(80));
	const echo = star(s(322), s(194), size(108), size(52), 14);
	const round = size(30);
	const background =
		shape === 'rounded'
			? '<rect width="512" height="512" rx="116" fill="#5b3df5"/>'
			: '<rect width="512" height="512" fill="#5b3df5"/>';
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">
${background}
<path d="${echo}" fill="#ffffff" stroke="#ffffff" stroke-width="${round.toFixed(1)}" stroke-linejoin="round" opacity=".5"/>
<path d="${main}" fill="#ffffff" stroke="#ffffff" stroke-width="${round.toFixed(1)}" stroke-linejoin="round"/>
</svg>
`;
}

const any = icon({ shape: 'rounded', scale: 0.8 });
// Maskable: the whole mark must sit inside the central circle of radius 40 % (the safe zone).
const maskable = icon({ shape: 'square', scale: 0.86 });
// Apple icons are cropped to a rounded square by iOS and must not be transparent.
const apple = icon({ shape: 'square', scale: 0.8 });

const renders = [
	{ file: 'icons/icon-192.png', svg: any, size: 192 },
	{ file: 'icons/icon-512.png', svg: any, size: 512 },
	{ file: 'icons/maskable-512.png', svg: maskable, size: 512 },
	{ file: 'icons/apple-touch-icon.png', svg: apple, size: 180 }
];

await mkdir(out('icons'), { recursive: true });
// The favicon is the "any" icon as a vector (static/icons/favicon.svg is an older copy of it).
const favicon = any.replace(' width="512" height="512"', '');
await writeFile(out('favicon.svg'), favicon);
await writeFile(out('icons/favicon.svg'), favicon);

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu']
});
try {
	for (const { file, svg, size } of renders) {
		const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
		const sized = svg.replace('width="512" height="512"', `width="${size}" height="${size}"`);
		await page.setContent(
			`<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`
		);
		await page.screenshot({
			path: out(file),
			omitBackground: true,
			clip: { x: 0, y: 0, width: size, height: size }
		});
		await page.close();
		console.log(`wrote static/${file} (${size} × ${size})`);
	}
} finally {
	await browser.close();
}
