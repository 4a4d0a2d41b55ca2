import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_STAFF, newEmail, signIn, signUp } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({ rule: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

/** A second person on another phone, in their own context (axe needs a context it created). */
export async function staffContext(browser: Browser) {
	const { baseURL, viewport } = test.info().project.use;
	return browser.newContext({ baseURL, viewport, isMobile: true, hasTouch: true, locale: 'en-GB' });
}

/** Tabs forward until the element with this id has focus: the page is used by keyboard only. */
async function tabTo(page: Page, id: string, limit = 60) {
	for (let i = 0; i < limit; i++) {
		if (await page.evaluate((want) => document.activeElement?.id === want, id)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`never reached #${id} by Tab`);
}

async function openPoll(page: Page, question: string) {
	await page.goto('/polls');
	await page.getByRole('link', { name: question }).click();
	await expect(page.getByRole('heading', { level: 1, name: question })).toBeVisible();
}

test('a fan ranks options by keyboard only, sees errors by the fields, then the runoff', async ({ page }) => {
	await signUp(page, 'Kim Keyboard', newEmail('kim'), 'a long enough passphrase');
	await openPoll(page, 'Rank the cities for the autumn club shows');
	await expect(page.getByText('Results show once you have voted.')).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);

	const rank = (city: string) => page.getByLabel(city, { exact: true });
	const antwerp = await rank('Antwerp').getAttribute('id');
	const lille = await rank('Lille').getAttribute('id');
	const utrecht = await rank('Utrecht').getAttribute('id');

	// First, two options at rank 1: refused, with the message beside both.
	await tabTo(page, antwerp!);
	await page.keyboard.press('ArrowDown'); // Not ranked → Rank 1
	await tabTo(page, lille!);
	await page.keyboard.press('ArrowDown');
	await tabTo(page, 'cast-vote');
	await page.keyboard.press('Enter');
	await expect(rank('Antwerp')).toHaveAccessibleDescription(/Rank 1 is given to more than one option\./);
	await expect(rank('Lille')).toHaveAttribute('aria-invalid', 'true');
	expect(await seriousViolations(page)).toEqual([]);

	// Fix it: Lille 2, Utrecht 3, and send with the keyboard.
	await tabTo(page, lille!);
	await page.keyboard.press('ArrowDown'); // Rank 2
	await tabTo(page, utrecht!);
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown'); // Rank 3
	await tabTo(page, 'cast-vote');
	await page.keyboard.press('Enter');

	await expect(page.getByRole('status').filter({ hasText: 'Your vote is counted' })).toBeVisible();
	const rounds = page.getByRole('table', { name: /each round of the runoff/ });
	await expect(rounds).toBeVisible();
	await expect(
		page.getByRole('table', { name: /First preferences/ }).getByRole('row', { name: /Antwerp/ })
	).toContainText('Your choice');
	await expect(page.getByText('You voted on')).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: 'test-results/screens/poll-ranked-results.png', fullPage: true });
});

test('results stay hidden until close on an after-close poll, and the outcome is shown on a closed one', async ({
	page
}) => {
	await signUp(page, 'Lou Later', newEmail('lou'), 'a long enough passphrase');
	await openPoll(page, 'Which merch should we make next?');
	await page.screenshot({ path: 'test-results/screens/poll-multiple.png', fullPage: true });
	for (const label of ['Tour poster', 'Lyric book', 'Enamel pin']) await page.getByLabel(label).check();
	await page.getByRole('button', { name: 'Cast my vote' }).click();
	await expect(
		page.getByRole('alert').filter({ hasText: 'Choose at most 2 options (you chose 3).' })
	).toBeVisible();
	await page.getByLabel('Enamel pin').uncheck();
	await page.getByRole('button', { name: 'Cast my vote' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Your vote is counted' })).toBeVisible();
	await expect(page.getByText('Results show when the poll closes.')).toBeVisible();
	await expect(page.getByRole('table')).toHaveCount(0);

	await openPoll(page, 'Acoustic set or full band for the anniversary show?');
	await expect(page.getByRole('heading', { name: 'You chose, we did' })).toBeVisible();
	await expect(page.getByRole('table', { name: /Results/ })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.goto('/polls');
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: 'test-results/screens/polls-list.png', fullPage: true });
});

test('staff create a ranked poll and see it listed; bad input is refused by the field', async ({ page }) => {
	await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
	await page.goto('/staff/polls/new');
	expect(await seriousViolations(page)).toEqual([]);
	await page.getByLabel('Question').fill('Which B-side should we record?');
	await page.getByLabel('Ranked choice (instant runoff)').check();
	await page.getByLabel(/^Options, one per line/).fill('Only one');
	await page.getByRole('button', { name: 'Create poll' }).click();
	await expect(page.getByText('Give 2 to 20 options, one per line (you gave 1).')).toBeVisible();
	await expect(page.getByLabel('Question')).toHaveValue('Which B-side should we record?');
	await page.getByLabel(/^Options, one per line/).fill('Paper Boats\nNorth Light\nHollow');
	await page.getByRole('button', { name: 'Create poll' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Poll created.' })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
	await page.screenshot({ path: 'test-results/screens/staff-poll.png', fullPage: true });
	await page.goto('/staff/polls');
	await expect(page.getByRole('link', { name: 'Which B-side should we record?' })).toBeVisible();
	expect(await seriousViolations(page)).toEqual([]);
});

test('a fan shares and supports ideas; staff turn one into a poll option', async ({ page: fan, browser }) => {
	test.slow(); // two people on two phones, many steps: on a loaded machine this outgrows 30 s
	await signIn(fan, 'ines@encore.demo', DEMO_PASSWORD);
	await fan.goto('/ideas');
	await fan.getByRole('textbox', { name: 'Your idea' }).fill('No');
	await fan.getByRole('button', { name: 'Send my idea' }).click();
	await expect(fan.getByRole('textbox', { name: 'Your idea' })).toHaveAccessibleDescription(
		/at least 5 characters/
	);
	await fan.getByRole('textbox', { name: 'Your idea' }).fill('A <b>choir</b> night with fans');
	await fan.getByRole('button', { name: 'Send my idea' }).click();
	await expect(fan.getByRole('status').filter({ hasText: 'Your idea is in' })).toBeVisible();
	await expect(fan.getByRole('heading', { name: 'A choir night with fans' })).toBeVisible();
	const support = fan.getByRole('button', { name: 'Support: A livestream from the tram depot' });
	await support.click();
	await expect(
		fan.getByRole('button', { name: 'Supported, tap to withdraw: A livestream from the tram depot' })
	).toBeVisible();
	await expect(
		fan.getByRole('listitem').filter({ hasText: 'A livestream from the tram depot' }).getByText('1 supporter')
	).toBeVisible();
	expect(await seriousViolations(fan)).toEqual([]);
	await fan.screenshot({ path: 'test-results/screens/ideas.png', fullPage: true });

	const staff = await (await staffContext(browser)).newPage();
	await signIn(staff, DEMO_STAFF, DEMO_PASSWORD);
	await staff.goto('/staff/ideas?status=received');
	expect(await seriousViolations(staff)).toEqual([]);
	const card = staff.getByRole('listitem').filter({ hasText: 'A choir night with fans' });
	await card
		.getByLabel('Add as an option to')
		.selectOption({ label: 'Which song should close the spring tour?' });
	await card.getByLabel('Option label').fill('Choir night');
	await card.getByRole('button', { name: /Turn into a poll option/ }).click();
	await expect(staff.getByRole('status').filter({ hasText: 'now a poll option' })).toBeVisible();
	await staff.screenshot({ path: 'test-results/screens/staff-ideas.png', fullPage: true });

	await fan.goto('/polls');
	await fan.getByRole('link', { name: 'Which song should close the spring tour?' }).click();
	await expect(fan.getByLabel('Choir night')).toBeVisible();
});

test('staff invite a segment to a board and a fan accepts, then joins the discussion', async ({
	page: fan,
	browser
}) => {
	// Two people, three axe runs and two full-page screenshots: a long journey on a shared machine.
	test.setTimeout(60_000);
	await signUp(fan, 'Bo Board', newEmail('bo'), 'a long enough passphrase');
	await openPoll(fan, 'Which song should close the spring tour?');
	await fan.getByLabel('Owl Song').check();
	await fan.getByRole('button', { name: 'Cast my vote' }).click();
	await expect(fan.getByRole('status').filter({ hasText: 'Your vote is counted' })).toBeVisible();

	const staff = await (await staffContext(browser)).newPage();
	await signIn(staff, DEMO_STAFF, DEMO_PASSWORD);
	await staff.goto('/staff/board');
	expect(await seriousViolations(staff)).toEqual([]);
	await staff.getByLabel('Name').fill('Listening Panel');
	await staff.getByLabel('Purpose').fill('Hear the new record first and tell us what works.');
	await staff.getByLabel('Seats').fill('3');
	await staff.getByLabel('Term ends').fill(`${new Date().getFullYear() + 1}-06-30`);
	await staff.getByRole('button', { name: 'Create board' }).click();
	await expect(staff.getByRole('heading', { level: 1, name: 'Listening Panel' })).toBeVisible();

	await staff.getByLabel('Points in the last 12 months, at least').fill('lots');
	await staff.getByRole('button', { name: 'Preview members' }).click();
	await expect(staff.getByLabel('Points in the last 12 months, at least')).toHaveAttribute(
		'aria-invalid',
		'true'
	);
	await staff.getByLabel('Points in the last 12 months, at least').fill('');
	await staff.getByLabel('Has voted in a poll').selectOption('yes');
	await staff.getByRole('button', { name: 'Preview members' }).click();
	await expect(staff.getByRole('heading', { name: /members? match: has voted in a poll/ })).toBeVisible();
	await expect(staff.getByRole('table', { name: /Members in the segment/ })).toContainText('Bo Board');
	expect(await seriousViolations(staff)).toEqual([]);
	await staff.getByRole('button', { name: /^Invite \d+ members?$/ }).click();
	await expect(staff.getByRole('status').filter({ hasText: /invitations? sent/ })).toBeVisible();
	await staff.screenshot({ path: 'test-results/screens/staff-board.png', fullPage: true });

	await fan.goto('/board');
	const invite = fan.getByRole('article', { name: 'Listening Panel' });
	await expect(invite).toContainText('3 of 3 seats left');
	expect(await seriousViolations(fan)).toEqual([]);
	await fan.screenshot({ path: 'test-results/screens/board-invite.png', fullPage: true });
	await invite.getByRole('button', { name: /Accept the seat/ }).click();
	await expect(fan.getByRole('status').filter({ hasText: 'Welcome aboard' })).toBeVisible();
	await fan.getByRole('link', { name: 'Listening Panel' }).click();
	await fan.getByLabel('Start a thread').fill('Could we hear the B-sides too?');
	await fan.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(fan.getByText('Could we hear the B-sides too?')).toBeVisible();
	expect(await seriousViolations(fan)).toEqual([]);
	await fan.screenshot({ path: 'test-results/screens/board-page.png', fullPage: true });
});

test('a poll typed as opening at 19:51 shows 19:51 everywhere, naming Brussels on a phone set to New York', async ({
	page: staff,
	browser
}) => {
	// Tomorrow's date on the house clock, as staff would type it.
	const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(
		new Date(Date.now() + 86_400_000)
	);
	const question = `When does the 19:51 poll open? ${day}`;
	await signIn(staff, DEMO_STAFF, DEMO_PASSWORD);
	await staff.goto('/staff/polls/new');
	await staff.getByLabel('Question').fill(question);
	await staff.getByLabel('Single choice').check();
	await staff.getByLabel(/^Options, one per line/).fill('Early\nLate');
	await staff.getByLabel('Opens', { exact: true }).fill(`${day}T19:51`);
	await staff.getByRole('button', { name: 'Create poll' }).click();
	await expect(staff.getByRole('status').filter({ hasText: 'Poll created.' })).toBeVisible();
	await expect(staff.locator('dd').filter({ hasText: /, 19:51/ })).toHaveCount(1);

	// A fan whose phone is on New York time (13:51 there): the server's HTML and the hydrated page
	// both say 19:51, and once mounted the page names the clock.
	const { baseURL, viewport } = test.info().project.use;
	const context = await browser.newContext({
		baseURL,
		viewport,
		isMobile: true,
		hasTouch: true,
		locale: 'en-GB',
		timezoneId: 'America/New_York'
	});
	const fan = await context.newPage();
	await signUp(fan, 'Nia New York', newEmail('nia'), 'a long enough passphrase');
	const html = await (await fan.request.get('/polls')).text();
	expect(html).toMatch(/Opens \d{1,2} \w{3}, 19:51</);
	await fan.goto('/polls');
	const card = fan.getByRole('listitem').filter({ hasText: question });
	await expect(card.locator('.eyebrow')).toHaveText(/^Opens \d{1,2} \w{3}, 19:51 \(Brussels time\)$/);
	await card.getByRole('link', { name: question }).click();
	await expect(fan.getByText(/This poll opens \d{1,2} \w{3}, 19:51 \(Brussels time\)\./)).toBeVisible();
	await expect(fan.getByText('13:51')).toHaveCount(0);
	await fan.screenshot({ path: 'test-results/screens/poll-new-york.png', fullPage: true });
	await context.close();
});
