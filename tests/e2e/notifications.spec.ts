// A fan chooses what reaches them, gets a notification email, and unsubscribes from it with one
// click without signing in; staff reword a moment.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_FANS, DEMO_PASSWORD, DEMO_STAFF, signIn } from './helpers';

async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious, `${page.url()}: ${serious.map((v) => v.id).join(', ')}`).toEqual([]);
}

test('a fan sets notification choices and a birthday, and unsubscribes from an email in one click', async ({
	page,
	browser
}) => {
	await signIn(page, DEMO_FANS.theo, DEMO_PASSWORD);
	await page.goto('/account');
	await page.getByRole('link', { name: 'Notifications and birthday' }).click();
	await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
	await expectAccessible(page);

	// Anniversary emails off; saved and still off after a reload.
	const anniversaryEmail = page.getByRole('checkbox', { name: 'Membership anniversary by email' });
	await expect(anniversaryEmail).toBeChecked();
	await anniversaryEmail.uncheck();
	await page.getByRole('button', { name: 'Save notification settings' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
	await page.reload();
	await expect(page.getByRole('checkbox', { name: 'Membership anniversary by email' })).not.toBeChecked();
	await expect(page.getByRole('checkbox', { name: 'New tier by email' })).toBeChecked();

	await page.getByLabel('Month', { exact: true }).selectOption('March');
	await page.getByLabel('Day', { exact: true }).selectOption('14');
	await page.getByRole('button', { name: 'Save birthday' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
	await page.reload();
	await expect(page.getByLabel('Month', { exact: true })).toHaveValue('3');
	await expect(page.getByLabel('Day', { exact: true })).toHaveValue('14');

	// Staff lift Theo by a tier's worth of points: the tier-up goes out by email too.
	const staffContext = await browser.newContext();
	const staff = await staffContext.newPage();
	await signIn(staff, DEMO_STAFF, DEMO_PASSWORD);
	await staff.goto(`/staff/adjust?email=${encodeURIComponent(DEMO_FANS.theo)}`);
	await staff.getByLabel('Points').fill('5000');
	await staff.getByLabel('Reason').fill('Ran the fan club for a year');
	await staff.getByRole('button', { name: 'Record adjustment' }).click();
	await expect(staff.getByRole('status')).toContainText('+5,000 points');
	await staffContext.close();

	// The scheduler sends it within a few seconds (SCHEDULER_MS is short in the test server).
	let unsubscribe: string | null = null;
	await expect
		.poll(
			async () => {
				await page.goto('/dev/mailbox');
				const mail = page
					.getByRole('article')
					.filter({ hasText: DEMO_FANS.theo })
					.filter({ hasText: 'You reached Inner Circle!' });
				if ((await mail.count()) === 0) return null;
				unsubscribe = await mail
					.first()
					.getByRole('link', { name: /\/unsubscribe\// })
					.first()
					.getAttribute('href');
				return unsubscribe;
			},
			{ timeout: 20_000 }
		)
		.toMatch(/\/unsubscribe\/[\w-]+\.[\w-]+$/);

	// Opened from the mail client: no session needed.
	const stranger = await browser.newContext();
	const mailClient = await stranger.newPage();
	await mailClient.goto(unsubscribe!);
	await expect(mailClient.getByRole('heading', { name: 'You are unsubscribed' })).toBeVisible();
	await expect(mailClient.getByRole('status')).toContainText(
		'You will not get emails about “New tier” any more'
	);
	await expectAccessible(mailClient);
	// A tampered token is refused.
	const forged = await mailClient.goto(unsubscribe!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
	expect(forged?.status()).toBe(400);
	await stranger.close();

	await page.goto('/account/notifications');
	await expect(page.getByRole('checkbox', { name: 'New tier by email' })).not.toBeChecked();
});

test('staff reword a moment, with placeholders checked, and can go back to the built-in words', async ({
	page
}) => {
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
	await page.goto('/staff/moments');
	await expectAccessible(page);
	const card = page.getByRole('region', { name: 'Membership anniversary' });
	await card.getByLabel('Title').fill('{years} of {nonsense}');
	await card.getByRole('button', { name: 'Save' }).click();
	await expect(card.getByText('{nonsense} is not available here.')).toBeVisible();

	await card.getByLabel('Title').fill('{years} together, {name}!');
	await card.getByRole('button', { name: 'Save' }).click();
	await expect(card.getByRole('status')).toContainText('Saved.');
	await page.reload();
	const saved = page.getByRole('region', { name: 'Membership anniversary' });
	await expect(saved.getByLabel('Preview of Membership anniversary')).toContainText(
		'2 years together, Mara!'
	);
	await saved.getByRole('button', { name: 'Use the built-in words' }).click();
	await expect(
		page
			.getByRole('region', { name: 'Membership anniversary' })
			.getByLabel('Preview of Membership anniversary')
	).toContainText('2 years with');
});

test('fans cannot open the moments editor or the jobs, nor post to the editor', async ({ page, request }) => {
	await signIn(page, DEMO_FANS.ines, DEMO_PASSWORD);
	expect((await page.goto('/staff/moments'))?.status()).toBe(403);
	expect((await page.goto('/staff/jobs'))?.status()).toBe(403);
	const session = (await page.context().cookies()).find((c) => c.name === 'encore_session')!;
	const res = await request.post('/staff/moments?/save', {
		headers: {
			cookie: `encore_session=${session.value}`,
			origin: new URL(page.url()).origin,
			accept: 'text/html'
		},
		form: { kind: 'welcome', enabled: 'on', title: 'Hacked', body: '' },
		maxRedirects: 0
	});
	expect(res.status()).toBe(403);
});

test('staff see the scheduled jobs running', async ({ page }) => {
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
	await page.goto('/staff/jobs');
	await expect(page.getByRole('heading', { name: 'Scheduled jobs' })).toBeVisible();
	// The test server queues work every second: the notification dispatcher has run by now.
	await expect
		.poll(
			async () => {
				await page.reload();
				const row = page.getByRole('row', { name: /^notifications/ });
				return Number((await row.getByRole('cell').nth(3).innerText()).replace(/\D/g, ''));
			},
			{ timeout: 20_000 }
		)
		.toBeGreaterThan(0);
	await expectAccessible(page);
});
