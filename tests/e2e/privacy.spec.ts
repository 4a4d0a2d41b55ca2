// A fan's privacy journey on a phone: changes their choices, downloads their data, deletes the
// account and cannot sign in again. The page is checked with axe in light and dark mode.
import AxeBuilder from '@axe-core/playwright';
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { fillSignIn, newEmail, signUp } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axeViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations.map((v) => ({
		rule: v.id,
		impact: v.impact,
		nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5)
	}));
}

test('a fan changes consents, downloads their data, deletes the account and cannot sign in again', async ({
	page
}) => {
	const email = newEmail('leaver');
	const password = 'the last song of the night';
	await signUp(page, 'Lena Leaver', email, password);

	await page.goto('/account');
	await page.getByRole('link', { name: 'Open privacy settings' }).click();
	await expect(page).toHaveURL(/\/account\/privacy$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and your data');
	expect(await axeViolations(page)).toEqual([]);
	await page.screenshot({ path: 'test-results/privacy-390.png', fullPage: true });

	// Consents: off at sign-up, switched on here, still on after a reload.
	const marketing = page.getByRole('checkbox', { name: /Email me about new music/ });
	await expect(marketing).not.toBeChecked();
	await marketing.check();
	await page.getByRole('button', { name: 'Save choices' }).click();
	await expect(page.getByText('Your choices are saved.')).toBeVisible();
	await page.reload();
	await expect(page.getByRole('checkbox', { name: /Email me about new music/ })).toBeChecked();
	await expect(page.getByText(/Last changed/)).toBeVisible();

	// The export: a JSON file with the profile, the new choice and the ledger.
	const downloading = page.waitForEvent('download');
	await page.getByRole('link', { name: 'Download my data (JSON)' }).click();
	const download = await downloading;
	expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
	const data = JSON.parse(await readFile((await download.path())!, 'utf8'));
	expect(data.member).toMatchObject({ email, displayName: 'Lena Leaver' });
	expect(data.member).not.toHaveProperty('passwordHash');
	expect(data.consents).toMatchObject({ marketing: true, analytics: false });
	expect(data.tables.engagements.length).toBeGreaterThan(0);
	expect(data.tables.audit_log.map((r: { action: string }) => r.action)).toContain(
		'privacy.consents_changed'
	);

	// Deleting needs the phrase and the password.
	await page.getByLabel('Your password', { exact: true }).fill(password);
	await page.getByLabel(/Type “delete my account” to confirm/).fill('delete it');
	await page.getByRole('button', { name: 'Delete my account' }).click();
	await expect(page.getByText('Type “delete my account” exactly, to confirm.')).toBeVisible();
	await expect(page.getByLabel(/Type “delete my account” to confirm/)).toHaveValue('delete it');

	await page.getByLabel('Your password', { exact: true }).fill(password);
	await page.getByLabel(/Type “delete my account” to confirm/).fill('delete my account');
	await page.getByRole('button', { name: 'Delete my account' }).click();
	await expect(page).toHaveURL(/\/account\/privacy\/deleted$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account is deleted');

	// Signed out, and the old email and password are refused with the usual words.
	await page.goto('/me');
	await expect(page).toHaveURL(/\/login\?next=%2Fme$/);
	await fillSignIn(page, email, password);
	await expect(page.getByText('Email or password is wrong.')).toBeVisible();

	// The confirmation went out through the outbox (the demo's mailbox shows it).
	await page.goto('/dev/mailbox');
	await expect(
		page.getByRole('article').filter({ hasText: email }).filter({ hasText: 'has been deleted' })
	).toHaveCount(1);
});

test('/account/privacy is axe clean in dark mode too', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	await signUp(page, 'Dora Dark', newEmail('dark'), 'lights out on the stage');
	await page.goto('/account/privacy');
	await page.getByRole('button', { name: 'Delete my account' }).click(); // shows the field errors too
	await expect(page.getByText('Enter your password.')).toBeVisible();
	expect(await axeViolations(page)).toEqual([]);
	await page.screenshot({ path: 'test-results/privacy-390-dark.png', fullPage: true });
});
