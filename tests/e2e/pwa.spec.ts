// The PWA shell: web app manifest and icons, service worker registration under the CSP, the
// offline fallback, the offline page cache and its clearing on sign-out, and installability.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

test.use({ viewport: { width: 390, height: 844 } });

const DEMO_FAN = { email: 'mara@encore.demo', password: 'encore-demo-2026' };

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	expect(bytes.subarray(0, 8).equals(signature), 'PNG signature').toBe(true);
	expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function expectPng(request: APIRequestContext, src: string, size: number) {
	const response = await request.get(src);
	expect(response.status(), src).toBe(200);
	expect(response.headers()['content-type']).toBe('image/png');
	expect(pngSize(await response.body()), src).toEqual({ width: size, height: size });
}

/** Waits until the service worker is active and controls the page. */
async function waitForServiceWorker(page: Page) {
	await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.ready;
		const worker = registration.active;
		if (worker && worker.state !== 'activated') {
			await new Promise<void>((resolve) =>
				worker.addEventListener('statechange', () => worker.state === 'activated' && resolve())
			);
		}
		if (!navigator.serviceWorker.controller) {
			await new Promise<void>((resolve) =>
				navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true })
			);
		}
	});
}

/** Paths stored in the service worker's page caches. */
function cachedPages(page: Page): Promise<string[]> {
	return page.evaluate(async () => {
		const paths: string[] = [];
		for (const name of await caches.keys()) {
			if (!name.startsWith('encore-pages-')) continue;
			const cache = await caches.open(name);
			for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
		}
		return paths;
	});
}

async function signIn(page: Page) {
	await page.goto('/login');
	await page.getByLabel('Email').fill(DEMO_FAN.email);
	await page.getByLabel('Password').fill(DEMO_FAN.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/me$/);
}

test('every page links a valid web app manifest whose icons load at their sizes', async ({
	page,
	request
}) => {
	let href = '';
	for (const path of ['/', '/login', '/signup', '/offline']) {
		await page.goto(path);
		const link = page.locator('head link[rel="manifest"]');
		await expect(link, `manifest link on ${path}`).toHaveCount(1);
		href = (await link.getAttribute('href')) ?? '';
	}
	expect(href).toBe('/manifest.webmanifest');

	const response = await request.get(href);
	expect(response.status()).toBe(200);
	expect(response.headers()['content-type']).toContain('application/manifest+json');
	const manifest = JSON.parse(await response.text());
	expect(manifest).toMatchObject({
		id: '/',
		name: 'Encore',
		short_name: 'Encore',
		start_url: '/me',
		scope: '/',
		display: 'standalone',
		theme_color: '#5b3df5'
	});
	expect(manifest.description).toEqual(expect.any(String));
	expect(manifest.description.length).toBeGreaterThan(20);
	expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

	type Icon = { src: string; sizes: string; type: string; purpose?: string };
	const icons: Icon[] = manifest.icons;
	const find = (size: string, purpose: string) =>
		icons.find((i) => i.sizes === size && (i.purpose ?? 'any').split(' ').includes(purpose));
	expect(find('192x192', 'any'), '192 px icon').toBeDefined();
	expect(find('512x512', 'any'), '512 px icon').toBeDefined();
	expect(find('512x512', 'maskable'), '512 px maskable icon').toBeDefined();
	for (const icon of icons) {
		expect(icon.type).toBe('image/png');
		const [width] = icon.sizes.split('x').map(Number);
		await expectPng(request, icon.src, width);
	}

	// The Apple touch icon and the favicon linked from app.html (SvelteKit may make these hrefs absolute).
	await page.goto('/');
	const linked = async (rel: string) => {
		const href = await page.locator(`head link[rel="${rel}"]`).getAttribute('href');
		return new URL(href ?? '', page.url()).pathname;
	};
	const apple = await linked('apple-touch-icon');
	expect(apple).toBe('/icons/apple-touch-icon.png');
	await expectPng(request, apple, 180);
	const favicon = await linked('icon');
	expect(favicon).toBe('/favicon.svg');
	const svg = await request.get(favicon);
	expect(svg.status()).toBe(200);
	expect(svg.headers()['content-type']).toContain('image/svg+xml');
	expect(await svg.text()).toContain('<svg');
});

test('the service worker registers and activates under the CSP', async ({ page }) => {
	const problems: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error' || /content security policy/i.test(message.text())) {
			problems.push(message.text());
		}
	});
	page.on('pageerror', (error) => problems.push(error.message));

	const response = await page.goto('/');
	expect(response?.headers()['content-security-policy']).toContain("worker-src 'self'");
	await waitForServiceWorker(page);
	const worker = await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.ready;
		return {
			scope: registration.scope,
			script: registration.active?.scriptURL,
			state: registration.active?.state,
			controlled: navigator.serviceWorker.controller !== null
		};
	});
	expect(worker.scope).toBe(new URL('/', page.url()).href);
	expect(worker.script).toBe(new URL('/service-worker.js', page.url()).href);
	expect(worker.state).toBe('activated');
	expect(worker.controlled).toBe(true);

	// The app shell is precached, the offline page included.
	const offline = await page.evaluate(async () => {
		const response = await caches.match('/offline', { ignoreSearch: true });
		return response ? await response.text() : null;
	});
	expect(offline).toContain('You are offline');
	expect(problems).toEqual([]);
});

test('offline, a page that was never opened shows the offline page', async ({ page, context }) => {
	await page.goto('/');
	await waitForServiceWorker(page);
	await context.setOffline(true);
	try {
		for (const path of ['/tickets', '/drops/some-drop-never-seen']) {
			await page.goto(path);
			await expect(page).toHaveURL(path);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are offline');
			// The shell's stylesheet came from the precache, also below the top level.
			const styled = await page.evaluate(() =>
				[...document.styleSheets].some(
					(sheet) => sheet.href?.includes('/_app/immutable/') && sheet.cssRules.length > 0
				)
			);
			expect(styled, `styles on ${path}`).toBe(true);
		}
		await page.screenshot({ path: test.info().outputPath('offline-390x844.png') });
	} finally {
		await context.setOffline(false);
	}
});

test('offline, a page seen before opens from the cache; signing out forgets it', async ({
	page,
	context
}) => {
	await page.goto('/');
	await waitForServiceWorker(page);
	await signIn(page);
	// A full load of the home page, which the worker keeps.
	await page.goto('/me');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Mara');
	await expect.poll(() => cachedPages(page)).toContain('/me');
	const stored = await cachedPages(page);
	for (const path of stored)
		expect(path).not.toMatch(/^\/(login|signup|logout|staff|dev|api)\b|__data\.json/);

	await expect(page.locator('[data-offline-copy]')).toHaveCount(0);

	await context.setOffline(true);
	await page.goto('/me');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Mara');
	// The saved copy says what it is.
	await expect(page.locator('[data-offline-copy]')).toContainText('You are offline');
	await context.setOffline(false);

	// Sign out with the header's form (POST /logout).
	await page.goto('/me');
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login\?signedOut=1$/);
	expect(await cachedPages(page)).toEqual([]);
	const pageCaches = await page.evaluate(async () =>
		(await caches.keys()).filter((name) => name.startsWith('encore-pages-'))
	);
	expect(pageCaches).toEqual([]);

	await context.setOffline(true);
	try {
		await page.goto('/me');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are offline');
		await expect(page.getByText('Mara')).toHaveCount(0);
	} finally {
		await context.setOffline(false);
	}
});

test('a clear-user-cache message empties the page cache', async ({ page }) => {
	await page.goto('/');
	await waitForServiceWorker(page);
	await page.goto('/');
	await expect.poll(() => cachedPages(page)).toContain('/');
	const reply = await page.evaluate(
		() =>
			new Promise((resolve) => {
				const channel = new MessageChannel();
				channel.port1.onmessage = (event) => resolve(event.data);
				navigator.serviceWorker.controller!.postMessage({ type: 'clear-user-cache' }, [channel.port2]);
			})
	);
	expect(reply).toEqual({ type: 'user-cache-cleared' });
	expect(await cachedPages(page)).toEqual([]);
});

test('Chromium finds the app installable', async ({ playwright, launchOptions, baseURL }, testInfo) => {
	// Installability is never reported in an incognito-like context: use a real (temporary) profile.
	const context = await playwright.chromium.launchPersistentContext(testInfo.outputPath('profile'), {
		...launchOptions,
		baseURL,
		viewport: { width: 390, height: 844 }
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto('/');
		await waitForServiceWorker(page);
		const cdp = await context.newCDPSession(page);
		const { errors } = await cdp.send('Page.getAppManifest');
		expect(errors).toEqual([]);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
	} finally {
		await context.close();
	}
});
