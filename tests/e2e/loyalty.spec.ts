// A fan earns points (the daily visit, a door check-in scanned by staff through the manual code,
// a staff adjustment) and watches the progress move until the tier-up moment.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_STAFF, newEmail, signIn, signUp, ORIGIN } from './helpers';

const PASSWORD = 'a long walk to the venue';

async function pointsOnHome(page: Page): Promise<number> {
	await page.goto('/me');
	const text = await page.locator('.tier-card-points strong').innerText();
	return Number(text.replace(/[^\d]/g, ''));
}

async function expectAccessible(page: Page, path: string) {
	await page.goto(path);
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious, `${path}: ${serious.map((v) => v.id).join(', ')}`).toEqual([]);
}

test('a fan earns points at the door and through staff, and sees the progress and the tier-up', async ({
	page,
	browser
}) => {
	const email = newEmail('loyal');
	await signUp(page, 'Noor Haddad', email, PASSWORD);

	// The first visit of the day already counts.
	await expect(page.locator('.tier-card')).toContainText('Listener');
	expect(await pointsOnHome(page)).toBe(5);
	await expect(page.getByText(/Earn 195 points .*to reach/)).toBeVisible();

	// The member card shows the typable code under the QR.
	await page.goto('/me/card');
	await expect(page.getByRole('img', { name: 'QR code of your member card' })).toBeVisible();
	const code = (await page.locator('.member-card-code-value').innerText()).trim();
	expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

	// Staff check the fan in by typing the code.
	const staffContext = await browser.newContext();
	const staff = await staffContext.newPage();
	await signIn(staff, DEMO_STAFF, DEMO_PASSWORD);
	await staff.goto('/staff/check-in');
	await staff.getByLabel('Member code').fill(code);
	await staff.getByRole('button', { name: 'Check in' }).click();
	await expect(staff.getByRole('status')).toContainText('Checked in · +100 points');
	await expect(staff.getByRole('status')).toContainText('Noor Haddad');
	// A second scan the same day earns nothing more.
	await staff.getByLabel('Member code').fill(code);
	await staff.getByRole('button', { name: 'Check in' }).click();
	await expect(staff.getByRole('status')).toContainText('Already checked in today');

	expect(await pointsOnHome(page)).toBe(105);
	await expect(page.getByText(/Earn 95 points .*to reach/)).toBeVisible();

	// A staff adjustment lifts the fan to Fan (200 points).
	await staff.goto(`/staff/adjust?email=${encodeURIComponent(email)}`);
	await staff.getByLabel('Points').fill('100');
	await staff.getByLabel('Reason').fill('Helped at the merch stand');
	await staff.getByRole('button', { name: 'Record adjustment' }).click();
	await expect(staff.getByRole('status')).toContainText('+100 points for Noor Haddad');
	await staffContext.close();

	// The moment: a celebration on the next visit home, once, and an inbox item.
	await page.goto('/me');
	await expect(page.getByRole('heading', { name: 'You reached Fan!' })).toBeVisible();
	await expect(page.locator('.tier-card')).toContainText('Fan');
	// The welcome moment from sign-up and the tier-up.
	await expect(page.getByRole('link', { name: /Inbox, 2 unread/ })).toBeVisible();
	await page.reload();
	await expect(page.getByRole('heading', { name: 'You reached Fan!' })).toHaveCount(0);

	// Every entry is in the points history, with the staff reason.
	await page.goto('/me/points');
	await expect(page.getByText('Helped at the merch stand')).toBeVisible();
	await expect(page.getByText('Checked in at a show')).toBeVisible();
	await expect(page.getByText('Daily visit')).toBeVisible();

	await page.goto('/me/inbox');
	await expect(page.getByRole('heading', { name: 'You reached Fan!' })).toBeVisible();
	await expect(page.getByRole('heading', { name: /^Welcome to .*, Noor!$/ })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Inbox', exact: true })).toBeVisible();
});

test('the loyalty pages pass axe', async ({ page }) => {
	await signIn(page, 'ines@encore.demo', DEMO_PASSWORD);
	for (const path of ['/me', '/me/points', '/me/card', '/me/inbox', '/tiers', '/tiers/how-it-works']) {
		await expectAccessible(page, path);
	}
});

test('fans cannot reach the staff loyalty tools', async ({ page, request }) => {
	await signIn(page, 'theo@encore.demo', DEMO_PASSWORD);
	for (const path of [
		'/staff/tiers',
		'/staff/rules',
		'/staff/adjust',
		'/staff/check-in',
		'/staff/api-keys'
	]) {
		const response = await page.goto(path);
		expect(response?.status(), path).toBe(403);
	}
	// The action itself checks too, not only the page.
	const cookies = await page.context().cookies();
	const session = cookies.find((c) => c.name === 'encore_session')!;
	const res = await request.post('/staff/adjust', {
		headers: {
			cookie: `encore_session=${session.value}`,
			origin: ORIGIN,
			accept: 'text/html'
		},
		form: { email: 'theo@encore.demo', points: '5000', reason: 'free points', requestId: 'forged-request-1' },
		maxRedirects: 0
	});
	expect(res.status()).toBe(403);
});
