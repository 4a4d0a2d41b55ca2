// Staff find a demo fan in the members directory, adjust their points from the member page, and
// find the entry in the ledger and in the audit log; every page axe-clean, phone and laptop.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { DEMO_PASSWORD, DEMO_STAFF, signIn } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({ rule: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

async function shoot(page: Page, name: string) {
	for (const width of [390, 1280]) {
		await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
		await page.screenshot({ path: `/tmp/members-${name}-${width}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 390, height: 844 });
}

test('staff search a fan, adjust their points with a reason, and find it in the ledger and the audit log', async ({
	page
}) => {
	test.setTimeout(120_000);
	const reason = `Thanks for the mural ${randomBytes(3).toString('hex')}`;
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);

	await page.goto('/staff/members');
	await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
	await expect(page.getByText(/Points \(last 12 months\) and activity are as of/)).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);

	await page.getByLabel('Name or email').fill('MARA');
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/\/staff\/members\?q=MARA/);
	await expect(page.getByRole('heading', { name: /^1 member$/ })).toBeVisible();
	await shoot(page, 'list');
	await page.getByRole('link', { name: 'Mara Jensen' }).click();

	await expect(page.getByRole('heading', { level: 1, name: 'Mara Jensen' })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);

	// A missing reason is refused next to the field.
	const adjust = page.locator('form[action="?/adjust"]');
	await adjust.getByLabel('Points').fill('7');
	await adjust.getByRole('button', { name: 'Record adjustment' }).click();
	await expect(adjust.getByText('Say why: the member sees this reason.')).toBeVisible();

	await adjust.getByLabel('Reason').fill(reason);
	await adjust.getByRole('button', { name: 'Record adjustment' }).click();
	await expect(page.getByRole('status')).toContainText('Recorded: +7 points.');
	const ledger = page.getByRole('region', { name: 'Ledger' });
	await expect(ledger.getByRole('row').filter({ hasText: reason })).toContainText('+7');
	await shoot(page, 'member');

	await page.getByRole('link', { name: 'Audit log' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
	const entry = page.getByRole('listitem').filter({ hasText: reason });
	await expect(entry).toContainText('Adjusted points');
	await expect(entry.getByRole('link', { name: 'Mara Jensen' })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.getByLabel('Action').selectOption('points.adjusted');
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page).toHaveURL(/action=points.adjusted/);
	await expect(page.getByRole('listitem').filter({ hasText: reason })).toHaveCount(1);
	await shoot(page, 'audit');

	// The directory sees the new points at once, and the CSV of the same filter has the member.
	await page.goto('/staff/members?q=mara&sort=activity');
	const csv = await page.request.get('/staff/members/export.csv?q=mara');
	expect(csv.status()).toBe(200);
	expect(await csv.text()).toContain('Mara Jensen,mara@encore.demo,fan,true');
});
