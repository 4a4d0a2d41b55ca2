// Feedback at phone size: a forged answer link is refused without signing in and without
// JavaScript; staff see the feedback page (axe clean, light and dark).
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_STAFF, signIn } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SHOTS = '/work/briefs/screens-feedback';

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });
	test('a forged feedback link is refused with a 400 and a message', async ({ page }) => {
		const response = await page.goto('/feedback/1-zzzzzz.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
		expect(response?.status()).toBe(400);
		await expect(page.getByText('This feedback link is not valid')).toBeVisible();
	});
});

test('staff see feedback by tier, comments and why patrons left; axe clean', async ({ page }) => {
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
	await page.goto('/staff/feedback');
	await expect(page.getByRole('heading', { name: 'Feedback', level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'By tier', exact: true })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Why patrons left, by tier' })).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/staff-feedback-light.png`, fullPage: true });
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.screenshot({ path: `${SHOTS}/staff-feedback-dark.png`, fullPage: true });
	const dark = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	expect(dark.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
	const csv = await page.request.get('/staff/feedback/tier.csv');
	expect(csv.status()).toBe(200);
	expect(await csv.text()).toContain('Response rate %');
});
