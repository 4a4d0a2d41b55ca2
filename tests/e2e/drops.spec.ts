// Drops on a phone: staff write, schedule and publish a drop with an image; a fan below the tier
// sees the teaser and the way in (and nothing else, by any path); a fan at the tier reads it.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import sharp from 'sharp';
import { DEMO_PASSWORD, DEMO_STAFF, newEmail, signIn, signUp } from './helpers';

const PASSWORD = 'a long walk to the venue';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SECRET = `Secret setlist ${Date.now().toString(36)}`;
const TITLE = `Fan session ${Date.now().toString(36)}`;

async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	const serious = results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
	expect(serious).toEqual([]);
}

async function asStaff(browser: Browser): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
	return page;
}

test.describe.configure({ mode: 'serial' });

let slug = '';
let mediaUrl = '';

test('staff write, schedule and publish a drop with an image', async ({ browser }) => {
	// A long journey (two saves, an upload, a preview, schedule, publish) on two shared cores.
	test.setTimeout(60_000);
	const page = await asStaff(browser);
	await page.goto('/staff/drops/new');
	await expectAccessible(page);

	// A window out of order is refused next to its field, and what was typed stays.
	await page.getByLabel('Title').fill(TITLE);
	await page.getByLabel('Minimum tier').selectOption('1');
	await page.getByLabel('Inner Circle: days after publishing').fill('3');
	await page.getByLabel('Patron: days after publishing').fill('1');
	await page.getByRole('button', { name: 'Save draft' }).click();
	await expect(page.getByLabel('Inner Circle: days after publishing')).toHaveAccessibleDescription(
		/cannot open later than Patron/
	);
	await expect(page.getByLabel('Title')).toHaveValue(TITLE);
	await page.getByLabel('Inner Circle: days after publishing').fill('');
	await page.getByLabel('Patron: days after publishing').fill('');
	await page.getByLabel('Body (Markdown)').fill(`## Tonight\n\n${SECRET}\n\n<script>alert(1)</script>`);
	await page.getByRole('button', { name: 'Save draft' }).click();
	await expect(page).toHaveURL(/\/staff\/drops\/\d+\?saved=draft$/);
	await expect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
	slug = await page.getByLabel('Address').inputValue();
	expect(slug).toMatch(/^fan-session-/);

	// An image, resized on the server; the upload gives the line to paste.
	const png = await sharp({ create: { width: 1400, height: 700, channels: 3, background: '#0f9488' } })
		.png()
		.toBuffer();
	await page.getByLabel('File').setInputFiles({ name: 'stage.png', mimeType: 'image/png', buffer: png });
	await page.getByLabel('Description (alt text)').fill('The stage before doors');
	await page.getByRole('button', { name: 'Upload' }).click();
	const snippet = await page.getByRole('status').filter({ hasText: 'Uploaded' }).locator('code').innerText();
	expect(snippet).toMatch(/^!\[The stage before doors\]\(media:[0-9a-f-]{36}\)$/);

	// The live preview goes through the same sanitiser: the image shows, the script does not.
	const body = page.getByLabel('Body (Markdown)');
	await body.fill(`## Tonight\n\n${SECRET}\n\n${snippet}\n\n<script>alert(1)</script>`);
	const preview = page.locator('.preview-body');
	await expect(preview.locator('img[alt="The stage before doors"]')).toBeVisible();
	await expect(preview.locator('script')).toHaveCount(0);
	mediaUrl = (await preview.locator('img').getAttribute('src'))!;
	expect(mediaUrl).toMatch(/^\/drops\/media\/[0-9a-f-]{36}\/960\.webp$/);

	await page.getByLabel('Go live at').fill('2030-01-01T10:00');
	await page.getByRole('button', { name: 'Schedule' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Scheduled.' })).toBeVisible();
	await expect(page.locator('.status-line .badge')).toHaveText('Scheduled');

	await page.getByRole('button', { name: 'Publish now' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Published.' })).toBeVisible();
	await expect(page.locator('.status-line .badge')).toHaveText('Published');
	await expectAccessible(page);
	await page.screenshot({ path: 'test-results/drops-editor.png', fullPage: true });
	await page.context().close();
});

test('a fan below the tier sees the teaser and the way in, and nothing of the drop by any path', async ({
	page
}) => {
	await signUp(page, 'Lou Listener', newEmail('drops-below'), PASSWORD);
	await page.goto('/drops');
	const card = page.getByRole('article').filter({ hasText: TITLE });
	await expect(card).toContainText('Reach Fan — or become a Supporter now');
	await expectAccessible(page);
	await page.screenshot({ path: 'test-results/drops-feed.png', fullPage: true });

	await card.getByRole('link', { name: TITLE }).click();
	await expect(page.getByRole('heading', { name: /For Fan and up/ })).toBeVisible();
	await expect(page.getByText(SECRET)).toHaveCount(0);
	await expectAccessible(page);

	const mediaId = mediaUrl.split('/')[3];
	for (const path of [`/drops/${slug}`, `/drops/${slug}/__data.json`, '/drops', '/drops/__data.json']) {
		const response = await page.request.get(path);
		expect(response.status(), path).toBe(200);
		const text = await response.text();
		expect(text, path).not.toContain(SECRET);
		expect(text, path).not.toContain(mediaId);
	}
	expect((await page.request.get(mediaUrl)).status()).toBe(404);

	// Their private feed lists what they may read, and not this.
	await page.goto('/drops');
	await page.getByRole('button', { name: 'Get my feed link' }).click();
	const feedUrl = await page.getByLabel('Your feed link (shown once)').inputValue();
	const feed = await page.request.get(new URL(feedUrl).pathname);
	expect(feed.headers()['content-type']).toContain('application/atom+xml');
	const xml = await feed.text();
	expect(xml).toContain('Welcome to the nest');
	expect(xml).not.toContain(SECRET);
	expect(xml).not.toContain(mediaId);
});

test('a fan at the tier reads the drop, with its image', async ({ page, browser }) => {
	const email = newEmail('drops-fan');
	await signUp(page, 'Fay Fan', email, PASSWORD);

	const staff = await asStaff(browser);
	await staff.goto(`/staff/adjust?email=${encodeURIComponent(email)}`);
	await staff.getByLabel('Points').fill('250');
	await staff.getByLabel('Reason').fill('Front row at every show');
	await staff.getByRole('button', { name: 'Record adjustment' }).click();
	await expect(staff.getByRole('status')).toContainText('+250 points');
	await staff.context().close();

	await page.goto(`/drops/${slug}`);
	await expect(page.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();
	await expect(page.getByText(SECRET)).toBeVisible();
	const image = page.locator('.drop-body img');
	await expect(image).toHaveAttribute('srcset', /480\.webp 480w, .*960\.webp 960w, .*1400\.webp 1400w/);
	await expect
		.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
		.toBe(true);
	const media = await page.request.get(mediaUrl);
	expect(media.status()).toBe(200);
	expect(media.headers()['content-type']).toBe('image/webp');
	expect(media.headers()['cache-control']).toBe('private, no-store');
	await expectAccessible(page);
	await page.screenshot({ path: 'test-results/drops-open.png', fullPage: true });
});
