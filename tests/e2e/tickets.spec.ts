// Early-access tickets on a phone: a top-tier fan claims in an open window and keeps the code
// offline; a Listener sees the window is for others; staff create an event, run a draw and the
// winner sees it. Axe checks for the ticket pages, fan and staff.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { DEMO_FANS, DEMO_PASSWORD, DEMO_STAFF, newEmail, signIn, signUp } from './helpers';

test.use({ viewport: { width: 390, height: 844 } });

const DEMO_EVENT = '/tickets/live-at-the-tram-depot';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

async function staffPage(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const page = await context.newPage();
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
	return page;
}

/** "2026-11-27T09:00" in Brussels, `hours` from now: what a datetime-local field takes. */
function brusselsLocal(hours: number): string {
	const at = new Date(Date.now() + hours * 3600_000);
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Europe/Brussels',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).formatToParts(at);
	const get = (t: string) => parts.find((p) => p.type === t)!.value;
	return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

async function waitForServiceWorker(page: Page) {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller)
			await new Promise<void>((resolve) =>
				navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true })
			);
	});
}

test('a top-tier fan claims in an open window and sees the code offline', async ({
	page,
	context,
	browser
}) => {
	test.slow(); // two people's journeys (staff and fan) in one test
	const email = newEmail('patron');
	await page.goto('/');
	await waitForServiceWorker(page);
	await signUp(page, 'Pat Ron', email, 'a long enough passphrase');

	// Staff lift the new member to Inner Circle (5,000 points), above the Patrons-and-up window.
	const staff = await staffPage(browser);
	await staff.goto('/staff/adjust');
	await staff.getByLabel('Member email').fill(email);
	await staff.getByLabel('Points').fill('5000');
	await staff.getByLabel('Reason').fill('Presale test');
	await staff.getByRole('button', { name: 'Record adjustment' }).click();
	await expect(staff.getByRole('status')).toContainText('Recorded');
	await staff.context().close();

	await page.goto('/tickets');
	const card = page.getByRole('article', { name: 'Live at the Tram Depot' });
	await expect(card.getByText(/Open now · \d+ seats left/)).toBeVisible();
	await page.goto(DEMO_EVENT);
	const window = page.getByRole('region', { name: /First come/ });
	await window.getByLabel('Seats').selectOption('2');
	await window.getByRole('button', { name: 'Claim now' }).click();
	await expect(window.getByRole('status')).toContainText('Your 2 seats are yours');
	await expect(window.getByText('You have 2 seats — your code is ready')).toBeVisible();
	const code = (await window.locator('.code').first().textContent())!.trim();
	expect(code).toMatch(/^TKT-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);

	// A second claim over the limit is refused with the reason.
	await expect(window.getByRole('button', { name: 'Claim now' })).toHaveCount(0);

	await page.goto('/me/tickets');
	await expect(page.getByText(code)).toBeVisible();
	await expect(page.getByRole('img', { name: `QR code of presale code ${code}` })).toBeVisible();
	await page.screenshot({ path: test.info().outputPath('me-tickets-390.png'), fullPage: true });
	expect(await seriousViolations(page)).toEqual([]);

	await context.setOffline(true);
	try {
		await page.goto('/me/tickets');
		await expect(page.locator('[data-offline-copy]')).toContainText('You are offline');
		await expect(page.getByText(code)).toBeVisible();
		await expect(page.getByRole('img', { name: `QR code of presale code ${code}` })).toBeVisible();
	} finally {
		await context.setOffline(false);
	}
});

test('a Listener sees the Patrons window opens for them later, and the pages pass axe', async ({ page }) => {
	await signIn(page, DEMO_FANS.ines, DEMO_PASSWORD);
	await page.goto('/tickets');
	const card = page.getByRole('article', { name: 'Live at the Tram Depot' });
	await expect(card.getByText('For Patrons and up — opens for you later')).toBeVisible();
	await page.screenshot({ path: test.info().outputPath('tickets-390.png'), fullPage: true });
	expect(await seriousViolations(page)).toEqual([]);
	await page.goto(DEMO_EVENT);
	await expect(page.getByRole('region', { name: /First come/ }).getByRole('button')).toHaveCount(0);
	await expect(
		page.getByRole('region', { name: /Draw/ }).getByRole('button', { name: 'Register for the draw' })
	).toBeVisible();
	await page.screenshot({ path: test.info().outputPath('tickets-event-390.png'), fullPage: true });
	expect(await seriousViolations(page)).toEqual([]);
	// Dark mode reads as well (axe checks the contrast again).
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.reload();
	await page.screenshot({ path: test.info().outputPath('tickets-event-dark-390.png'), fullPage: true });
	expect(await seriousViolations(page)).toEqual([]);
	const ics = await page.request.get(`${DEMO_EVENT}/calendar.ics`);
	expect(ics.status()).toBe(200);
	expect(ics.headers()['content-type']).toContain('text/calendar');
	expect(await ics.text()).toContain('Live at the Tram Depot');
});

test('staff create an event with a draw, draw it, and the winner sees it and claims', async ({
	page,
	browser
}) => {
	test.slow(); // staff and fan side by side, from creating the event to the door
	const staff = await staffPage(browser);
	await staff.goto('/staff/events');
	// Bad input: messages next to the fields, input kept.
	await staff.getByLabel('Title').fill('Acoustic night');
	await staff.getByRole('button', { name: 'Create event' }).click();
	await expect(staff.getByLabel('Venue')).toHaveAccessibleDescription(/Say where it happens/);
	await expect(staff.getByLabel('Title')).toHaveValue('Acoustic night');

	await staff.getByLabel('Venue').fill('The Back Room');
	await staff.getByLabel('Show starts').fill(brusselsLocal(24 * 20));
	await staff.getByLabel('Public on-sale time').fill(brusselsLocal(24 * 10));
	await staff.getByLabel('Early-access capacity').fill('10');
	await staff.getByRole('button', { name: 'Create event' }).click();
	await expect(staff.getByRole('status')).toContainText('Event created');
	expect(await seriousViolations(staff)).toEqual([]);

	await staff.getByLabel('Who may take part').selectOption({ label: 'Listener and up' });
	await staff.getByLabel('Draw at close, weighted by tier and tenure').check();
	await staff.getByLabel('Opens (Europe/Brussels)').fill(brusselsLocal(-1));
	await staff.getByLabel('Closes (Europe/Brussels)').fill(brusselsLocal(48));
	await staff.getByLabel('Seats (allocation)').fill('20');
	await staff.getByRole('button', { name: 'Add window' }).click();
	await expect(staff.getByLabel('Seats (allocation)')).toHaveAccessibleDescription(
		/Only 10 early-access seats/
	);
	await staff.getByLabel('Seats (allocation)').fill('4');
	await staff.getByRole('button', { name: 'Add window' }).click();
	await expect(staff.getByText('Window added.')).toBeVisible();
	const fanView = await staff.getByRole('link', { name: 'See the fan page' }).getAttribute('href');

	const email = newEmail('drawfan');
	await signUp(page, 'Dee Raw', email, 'a long enough passphrase');
	await page.goto(fanView!);
	const draw = page.getByRole('region', { name: /Draw/ });
	await draw.getByRole('button', { name: 'Register for the draw' }).click();
	await expect(draw.getByText("You're registered for the draw")).toBeVisible();

	await staff.reload();
	await expect(staff.getByRole('definition').filter({ hasText: /^1$/ }).first()).toBeVisible();
	await staff.screenshot({ path: test.info().outputPath('staff-event-390.png'), fullPage: true });
	await staff.getByRole('button', { name: 'Draw now' }).click();
	await expect(staff.getByText(/Drawn: 1 winners for 1 seats out of 1 entrants/)).toBeVisible();

	await page.reload();
	await expect(draw.getByText(/You won — claim by/)).toBeVisible();
	await draw.getByRole('button', { name: 'Claim my seats' }).click();
	await expect(draw.getByRole('status')).toContainText('Claimed!');
	await page.goto('/me/inbox');
	await expect(page.getByText('You won the draw for Acoustic night')).toBeVisible();
	await page.goto('/me/tickets');
	await expect(page.getByRole('heading', { name: 'Acoustic night' })).toBeVisible();

	// At the door: the code checks in once.
	const code = (await page.locator('.ticket-code').first().textContent())!.replace('Presale code', '').trim();
	await staff.goto('/staff/check-in');
	await staff.getByLabel('Member code').fill(code);
	await staff.getByRole('button', { name: 'Check in' }).click();
	await expect(staff.locator('.outcome-ticket')).toHaveText(/Admit\s+1 seat · Acoustic night/);
	await expect(staff.getByText('Checked in · +100 points')).toBeVisible();
	await staff.getByLabel('Member code').fill(code);
	await staff.getByRole('button', { name: 'Check in' }).click();
	await expect(staff.getByText(/Ticket already used at/)).toBeVisible();
	await staff.goto('/staff/events');
	await expect(staff.getByRole('link', { name: 'Acoustic night' }).first()).toBeVisible();
	await staff.screenshot({ path: test.info().outputPath('staff-events-390.png'), fullPage: true });
	expect(await seriousViolations(staff)).toEqual([]);
	await staff.context().close();
});
