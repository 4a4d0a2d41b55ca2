// Patronage in demo payments (no Stripe key): a fan buys Patron monthly through the demo checkout,
// whose signed events go through the real webhook handler; cancels at period end; a failed renewal
// shows the grace banner. Phone viewport, axe on every page of the journey.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_STAFF, newEmail, signIn, signOut, signUp } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SHOTS = 'test-results/patronage';

async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

test('a fan becomes a Patron, cancels at period end, and is told to update their card after a failed renewal', async ({
	page
}) => {
	test.setTimeout(90_000);
	await signUp(page, 'Pia Patron', newEmail('patron'), 'patronage-e2e-2026');

	await page.goto('/tiers');
	await expect(page.getByText('Demo payments', { exact: true })).toBeVisible();
	const patron = page
		.getByRole('listitem')
		.filter({ has: page.getByRole('heading', { name: 'Patron', exact: true }) });
	await expect(patron.getByLabel('€15 a month')).toBeChecked();
	expect(await seriousViolations(page)).toEqual([]);
	await patron.screenshot({ path: `${SHOTS}/tiers-patron.png` });
	await patron.getByRole('button', { name: 'Become a Patron' }).click();

	// The demo checkout, clearly labelled.
	await expect(page).toHaveURL(/\/account\/billing\/demo-checkout\/cs_test_/);
	await expect(page.getByText('Demo checkout · no real payment')).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Become a Patron' })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: `${SHOTS}/demo-checkout.png`, fullPage: true });
	await page.getByRole('button', { name: 'Pay €15 (demo)' }).click();

	// Back from checkout: the tier shows only once the webhook confirmed it.
	await expect(page).toHaveURL(/\/tiers\/success\?session_id=cs_test_/);
	await expect(page.getByRole('heading', { name: 'Welcome to Patron' })).toBeVisible({ timeout: 20_000 });
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: `${SHOTS}/success.png`, fullPage: true });

	// The moment and the tier on the fan's home.
	await page.goto('/me');
	await expect(page.getByRole('heading', { name: 'You reached Patron!' })).toBeVisible();
	await expect(page.getByText('through patronage')).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/me-patron.png` });

	await page.goto('/account/billing');
	await expect(page.getByRole('heading', { name: 'Patron' })).toBeVisible();
	await expect(page.getByText('€15 a month')).toBeVisible();
	await expect(page.getByText('Next payment')).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: `${SHOTS}/billing-active.png`, fullPage: true });

	// Cancel at period end in the (demo) Customer Portal.
	await page.getByRole('button', { name: 'Manage plan and payment' }).click();
	await expect(page).toHaveURL(/\/account\/billing\/demo-portal$/);
	await expect(page.getByText('Demo portal · no real payment')).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: `${SHOTS}/demo-portal.png`, fullPage: true });
	await page.getByRole('button', { name: 'Cancel at period end' }).click();
	// One tap on why (optional), then back to billing.
	await expect(page).toHaveURL(/\/feedback\/[\w.~-]+$/);
	await expect(page.getByRole('heading', { name: 'Why did you leave?' })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: '/work/briefs/screens-feedback/cancel-reason.png', fullPage: true });
	await page.getByRole('button', { name: 'Too expensive' }).click();
	await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();
	await page.getByRole('link', { name: 'Back to billing' }).click();
	await expect(page).toHaveURL(/\/account\/billing$/);
	await expect(page.getByText('Ends on')).toBeVisible();
	await expect(
		page.getByText(/Your plan is cancelled and will not renew\. You keep Patron until \d+ \w+/)
	).toBeVisible();
	await expect(page.getByText('Next payment')).toHaveCount(0);
	await page.screenshot({ path: `${SHOTS}/billing-cancelled.png`, fullPage: true });

	// Changed their mind; then the next renewal fails: grace, and a banner to update the card.
	await page.getByRole('button', { name: 'Manage plan and payment' }).click();
	await page.getByRole('button', { name: 'Resume plan' }).click();
	await expect(page.getByText('Your plan continues.')).toBeVisible();
	await page.getByRole('button', { name: 'Manage plan and payment' }).click();
	await page.getByRole('button', { name: 'Renewal fails' }).click();
	await expect(page).toHaveURL(/\/account\/billing\?demo=failed$/);
	const banner = page.getByRole('alert').filter({ hasText: 'Your last payment failed' });
	await expect(banner).toContainText(/Update your card by \d+ \w+/);
	await expect(page.getByRole('button', { name: 'Update your card' })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: `${SHOTS}/billing-grace.png`, fullPage: true });

	await page.emulateMedia({ colorScheme: 'dark' });
	await page.screenshot({ path: `${SHOTS}/billing-grace-dark.png`, fullPage: true });
	await page.emulateMedia({ colorScheme: 'light' });

	// Still a Patron during the grace period.
	await page.goto('/me');
	await expect(page.getByText('through patronage')).toBeVisible();
});

test('staff give a complimentary tier and see patrons and MRR changes', async ({ page }) => {
	const email = newEmail('gift');
	await signUp(page, 'Gia Gift', email, 'patronage-e2e-2026');
	await signOut(page);
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
	await page.goto('/staff/patrons');
	await expect(page.getByRole('heading', { name: 'Patrons', exact: true })).toBeVisible();
	await page.getByLabel('Member email').fill(email);
	await page.getByLabel('Tier', { exact: true }).selectOption({ label: 'Inner Circle' });
	await page.getByLabel('Until (inclusive)').fill('2030-01-31');
	await page.getByLabel('Reason').fill('Won the setlist contest');
	await page.getByRole('button', { name: 'Give the tier' }).click();
	await expect(page.getByText('Gia Gift now holds the tier.')).toBeVisible();
	const row = page.getByRole('row').filter({ hasText: email });
	await expect(row).toContainText('Inner Circle');
	await expect(row).toContainText('Won the setlist contest');
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: `${SHOTS}/staff-patrons.png`, fullPage: true });

	// A bad email is refused next to the field, the other values kept.
	await page.getByLabel('Member email').fill('nobody@example.com');
	await page.getByLabel('Until (inclusive)').fill('2030-01-31');
	await page.getByLabel('Reason').fill('Typo');
	await page.getByRole('button', { name: 'Give the tier' }).click();
	await expect(page.getByLabel('Member email')).toHaveAccessibleDescription(
		/No member has this email address\./
	);
	await expect(page.getByLabel('Reason')).toHaveValue('Typo');
});

test('cancelling the demo checkout returns to /tiers with nothing changed', async ({ page }) => {
	await signUp(page, 'Cai Cancel', newEmail('cancel'), 'patronage-e2e-2026');
	await page.goto('/tiers');
	const insider = page
		.getByRole('listitem')
		.filter({ has: page.getByRole('heading', { name: 'Insider', exact: true }) });
	await insider.getByLabel('€50 a year').check();
	await insider.getByRole('button', { name: 'Become a Supporter' }).click();
	await expect(page.getByRole('heading', { name: 'Become a Supporter' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Pay €50 (demo)' })).toBeVisible();
	await page.getByRole('link', { name: 'Cancel and go back' }).click();
	await expect(page).toHaveURL(/\/tiers\?checkout=cancelled$/);
	await expect(page.getByText('Checkout cancelled. Nothing was charged')).toBeVisible();
	await page.goto('/account/billing');
	await expect(page.getByRole('heading', { name: 'No paid plan' })).toBeVisible();
});

test('the webhook endpoint refuses unsigned and badly signed events', async ({ request }) => {
	const body = JSON.stringify({
		id: 'evt_forged',
		object: 'event',
		type: 'invoice.paid',
		data: { object: {} }
	});
	const unsigned = await request.post('/api/stripe/webhook', {
		data: body,
		headers: { 'content-type': 'application/json' }
	});
	expect(unsigned.status()).toBe(400);
	const forged = await request.post('/api/stripe/webhook', {
		data: body,
		headers: {
			'content-type': 'application/json',
			'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=00ff`
		}
	});
	expect(forged.status()).toBe(400);
	expect(await forged.json()).toEqual({ received: false, error: 'Invalid signature.' });
});
