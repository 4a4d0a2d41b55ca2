// On a slow phone people start typing before the page's JavaScript has arrived: hydration must
// keep what they typed.
import { expect, test } from '@playwright/test';

test('text typed before hydration survives it', async ({ page }) => {
	let release: () => void = () => {};
	const gate = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await gate;
		await route.continue();
	});
	await page.goto('/login', { waitUntil: 'commit' });
	await page.getByLabel('Email', { exact: true }).fill('early@example.com');
	release();
	await page.waitForLoadState('networkidle');
	// The layout registers the service worker once it has mounted, i.e. after hydration.
	await page.waitForFunction(async () => !!(await navigator.serviceWorker.getRegistration()));
	await expect(page.getByLabel('Email', { exact: true })).toHaveValue('early@example.com');
});
