import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_FANS, DEMO_PASSWORD, signIn } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({
			rule: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5)
		}));
}

for (const path of ['/', '/login', '/signup', '/reset-password']) {
	test(`no serious or critical axe violation on ${path}`, async ({ page }) => {
		const response = await page.goto(path);
		expect(response?.status()).toBe(200);
		expect(await seriousViolations(page)).toEqual([]);
	});
}

test('no serious or critical axe violation on /me (signed in)', async ({ page }) => {
	await signIn(page, DEMO_FANS.ines, DEMO_PASSWORD);
	await page.goto('/me');
	await expect(page).toHaveURL(/\/me$/);
	expect(await seriousViolations(page)).toEqual([]);
});

test('form errors are announced and tied to their fields', async ({ page }) => {
	await page.goto('/login');
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	const email = page.getByLabel('Email', { exact: true });
	await expect(email).toHaveAttribute('aria-invalid', 'true');
	await expect(email).toHaveAccessibleDescription(/Enter your email address\./);
	expect(await seriousViolations(page)).toEqual([]);
});
