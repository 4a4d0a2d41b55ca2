// Staff read the insights on a laptop and on a phone: change the period, open a table view,
// download a CSV; the page is axe clean at both sizes.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { DEMO_PASSWORD, DEMO_STAFF, signIn } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function violations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations.map((v) => ({
		rule: v.id,
		impact: v.impact,
		nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5)
	}));
}

async function openInsights(page: Page) {
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
	await page.goto('/staff');
	await page
		.getByRole('navigation', { name: 'Staff sections' })
		.getByRole('link', { name: 'Insights' })
		.click();
	await expect(page).toHaveURL(/\/staff\/insights$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Insights' })).toBeVisible();
	// The daily figures are computed by the scheduler within a few seconds of the server starting.
	await expect(async () => {
		await page.reload();
		await expect(page.getByText('have not been computed yet')).toHaveCount(0);
	}).toPass({ timeout: 20_000 });
}

test.describe('laptop', () => {
	test.use({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });

	test('staff read insights, change the period, open a table and download a CSV', async ({ page }) => {
		// Two axe runs (light and dark) and full-page screenshots of a long page: more than the default.
		test.setTimeout(120_000);
		await openInsights(page);
		for (const title of [
			'Members per tier',
			'Tier funnel',
			'Engagement rate by tier',
			'Engagement by kind',
			'Conversion between tiers',
			'Churn by tier',
			'Monthly cohorts',
			'Monthly recurring revenue',
			'MRR movement',
			'Lifetime value by tier',
			'Drop engagement',
			'Presale conversion',
			'Poll participation'
		]) {
			const panel = page.getByRole('region', { name: title, exact: true });
			await expect(panel).toBeVisible();
			await expect(panel.getByText(/^Definition:/)).toHaveCount(1);
		}
		await page.screenshot({ path: '/tmp/insights-laptop.png', fullPage: true });

		await page.getByRole('radio', { name: '90 days' }).check();
		await expect(page).toHaveURL(/range=90/);
		await expect(page.getByText(/\(90 days\)/)).toBeVisible();

		const members = page.getByRole('region', { name: 'Members per tier', exact: true });
		await members.getByText('Table view').click();
		const table = members.getByRole('table');
		await expect(table).toBeVisible();
		await expect(table.getByRole('columnheader', { name: 'All members' })).toBeVisible();
		await expect(table.getByRole('row')).toHaveCount(91);

		const download = page.waitForEvent('download');
		await members.getByRole('link', { name: /Download CSV/ }).click();
		const file = await download;
		expect(file.suggestedFilename()).toMatch(
			/^insights-members-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/
		);
		const csv = await readFile((await file.path())!, 'utf8');
		const lines = csv.trim().split('\r\n');
		expect(lines[0]).toMatch(/^Day,Listener,.*,All members$/);
		expect(lines).toHaveLength(91);

		expect(await violations(page)).toEqual([]);
		await page.screenshot({ path: '/tmp/insights-laptop-90.png', fullPage: true });
		await page.emulateMedia({ colorScheme: 'dark' });
		expect(await violations(page)).toEqual([]);
		await page.screenshot({ path: '/tmp/insights-laptop-dark.png', fullPage: true });
	});

	test('custom dates work without JavaScript and bad dates get a message', async ({ browser }) => {
		const context = await browser.newContext({
			javaScriptEnabled: false,
			viewport: { width: 1280, height: 800 }
		});
		const page = await context.newPage();
		await page.goto('/login');
		await page.getByLabel('Email', { exact: true }).fill(DEMO_STAFF);
		await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await page.goto('/staff/insights');
		await page.getByRole('radio', { name: 'Custom' }).check();
		await page.getByLabel('From', { exact: true }).fill('2026-01-01');
		await page.getByLabel('To (inclusive)', { exact: true }).fill('2025-01-01');
		await page.getByRole('button', { name: 'Show' }).click();
		await expect(page.getByRole('alert')).toContainText('The start date must be on or before the end date.');
		await context.close();
	});
});

test.describe('phone', () => {
	test('staff read insights on a phone', async ({ page }) => {
		await openInsights(page);
		await page.getByRole('radio', { name: '12 months' }).check();
		await expect(page).toHaveURL(/range=365/);
		const ltv = page.getByRole('region', { name: 'Lifetime value by tier', exact: true });
		await ltv.getByText('Table view').click();
		await expect(ltv.getByRole('table')).toBeVisible();
		// Nothing wider than the screen but the scrolling tables.
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		expect(await violations(page)).toEqual([]);
		await page.screenshot({ path: '/tmp/insights-phone.png', fullPage: true });
	});

	test('fans cannot read insights or their CSV', async ({ page }) => {
		await signIn(page, 'ines@encore.demo', DEMO_PASSWORD);
		expect((await page.goto('/staff/insights'))?.status()).toBe(403);
		expect((await page.request.get('/staff/insights/members.csv')).status()).toBe(403);
	});
});
