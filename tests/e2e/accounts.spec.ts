import { expect, test } from '@playwright/test';
import {
	DEMO_FANS,
	DEMO_PASSWORD,
	DEMO_STAFF,
	fillSignIn,
	newEmail,
	SESSION_COOKIE,
	signIn,
	signOut,
	signUp,
	ORIGIN
} from './helpers';

test.describe('accounts', () => {
	test('a fan signs up, is greeted on /me, signs out and signs in again', async ({ page }) => {
		const email = newEmail('ada');
		const password = 'songs from the tram depot';
		await signUp(page, 'Ada Lovelace', email, password);
		await expect(page.getByRole('heading', { level: 1 })).toContainText('Ada');

		await signOut(page);
		await page.goto('/me');
		await expect(page).toHaveURL(/\/login\?next=%2Fme$/);

		await fillSignIn(page, email, password);
		await expect(page).toHaveURL(/\/me$/);
		await expect(page.getByRole('heading', { level: 1 })).toContainText('Ada');
	});

	test('a wrong password keeps the visitor on the sign-in page with a message', async ({ page }) => {
		await page.goto('/login');
		await fillSignIn(page, DEMO_FANS.ines, 'not the demo password');
		await expect(page.getByText('Email or password is wrong.')).toBeVisible();
		await expect(page).toHaveURL(/\/login/);
	});

	test('a forgotten password is reset through the emailed link', async ({ page }) => {
		const email = newEmail('reset');
		const oldPassword = 'the password I forgot';
		const newPassword = 'the password I will remember';
		await signUp(page, 'Rosa Reset', email, oldPassword);
		await signOut(page);

		await page.getByRole('link', { name: /forgot your password/i }).click();
		await expect(page).toHaveURL(/\/reset-password$/);
		await page.getByLabel('Email', { exact: true }).fill(email);
		await page.getByRole('button', { name: 'Send me a reset link' }).click();
		await expect(page.getByText(/check your inbox/i)).toBeVisible();

		await page.goto('/dev/mailbox');
		const resetLink = page.getByRole('link', { name: /\/reset-password\/[a-z2-7]{32}$/ });
		const mail = page.getByRole('article').filter({ hasText: email }).filter({ has: resetLink });
		await expect(mail).toHaveCount(1);
		const link = mail.getByRole('link', { name: /\/reset-password\/[a-z2-7]{32}$/ });
		const href = await link.getAttribute('href');
		expect(href).toMatch(new RegExp(`^${ORIGIN}/reset-password/[a-z2-7]{32}$`));
		await page.goto(href!);

		await page.getByLabel('New password', { exact: true }).fill(newPassword);
		await page.getByLabel('Type it again', { exact: true }).fill(newPassword);
		await page.getByRole('button', { name: 'Save and sign in' }).click();
		await expect(page).toHaveURL(/\/me\?passwordChanged=1$/);
		await expect(page.getByRole('heading', { level: 1 })).toContainText('Rosa');

		// The link works once.
		await page.goto(href!);
		await expect(page.getByLabel('New password', { exact: true })).toHaveCount(0);

		await page.goto('/me');
		await signOut(page);
		await fillSignIn(page, email, oldPassword);
		await expect(page.getByText('Email or password is wrong.')).toBeVisible();
		await fillSignIn(page, email, newPassword);
		await expect(page).toHaveURL(/\/me$/);
	});

	test('the session cookie is HttpOnly and SameSite=Lax (and not Secure over plain http)', async ({
		page,
		context
	}) => {
		await signIn(page, DEMO_FANS.mara, DEMO_PASSWORD);
		const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
		expect(cookie).toBeDefined();
		expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
		expect(cookie!.value).toMatch(/^[a-z2-7]{32}$/);
		expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
	});

	test('after sign-in, ?next= never leads off the site', async ({ page, context }) => {
		await signIn(page, DEMO_FANS.mara, DEMO_PASSWORD);
		// %09 is a tab; browsers drop it, so an unchecked "/\t/evil.example" would mean //evil.example.
		for (const next of ['//evil.example', 'https://evil.example', '/%5Cevil.example', '/%09/evil.example']) {
			const response = await context.request.get(`/login?next=${next}`, { maxRedirects: 0 });
			expect(response.status(), next).toBe(303);
			const location = new URL(response.headers()['location'], ORIGIN);
			expect(location.origin, `next=${next} redirected to ${location.href}`).toBe(ORIGIN);
		}
		await page.goto('/login?next=%2Fdrops');
		await expect(page).toHaveURL(/\/drops$/);
	});
});

test.describe('staff console', () => {
	test('an anonymous visitor is sent to sign in and comes back afterwards', async ({ page, request }) => {
		const response = await request.get('/staff', { maxRedirects: 0 });
		expect(response.status()).toBe(303);
		expect(response.headers()['location']).toBe('/login?next=%2Fstaff');

		await page.goto('/staff');
		await expect(page).toHaveURL(/\/login\?next=%2Fstaff$/);
		await fillSignIn(page, DEMO_STAFF, DEMO_PASSWORD);
		await expect(page).toHaveURL(/\/staff$/);
	});

	test('a fan gets 403', async ({ page }) => {
		await signIn(page, DEMO_FANS.theo, DEMO_PASSWORD);
		const response = await page.goto('/staff');
		expect(response?.status()).toBe(403);
		await expect(page.getByText('This page is for staff only.')).toBeVisible();
		await expect(page.getByText(/tier ladder/i)).toHaveCount(0);
	});

	test('staff see the console', async ({ page }) => {
		await signIn(page, DEMO_STAFF, DEMO_PASSWORD);
		const response = await page.goto('/staff');
		expect(response?.status()).toBe(200);
		await expect(page).toHaveTitle(/staff console/i);
		await expect(page.getByText(/tier ladder/i).first()).toBeVisible();
	});
});

test.describe('security', () => {
	const signInForm = `email=${encodeURIComponent(DEMO_FANS.ines)}&password=${encodeURIComponent(DEMO_PASSWORD)}`;
	// What a browser sends for a plain (not enhanced) form submission.
	const formHeaders = (origin: string) => ({
		Origin: origin,
		Accept: 'text/html',
		'Content-Type': 'application/x-www-form-urlencoded'
	});

	test('a cross-origin form POST is refused with 403 and sets no session', async ({ playwright }) => {
		const api = await playwright.request.newContext({ baseURL: ORIGIN });
		const forged = await api.post('/login', {
			headers: formHeaders('http://evil.example'),
			data: signInForm,
			maxRedirects: 0
		});
		expect(forged.status()).toBe(403);
		expect(forged.headers()['set-cookie'] ?? '').not.toContain(SESSION_COOKIE);
		expect((await api.storageState()).cookies).toEqual([]);

		// The same request from the portal's own origin signs in: the Origin is what was refused.
		const genuine = await api.post('/login', {
			headers: formHeaders(ORIGIN),
			data: signInForm,
			maxRedirects: 0
		});
		expect(genuine.status()).toBe(303);
		expect(genuine.headers()['set-cookie']).toMatch(
			new RegExp(`^${SESSION_COOKIE}=[a-z2-7]{32};.*HttpOnly.*SameSite=Lax`, 'i')
		);
		expect(genuine.headers()['set-cookie']).not.toMatch(/;\s*Secure/i);
		await api.dispose();
	});

	test('/healthz answers 200 with the database up', async ({ request }) => {
		const response = await request.get('/healthz');
		expect(response.status()).toBe(200);
		expect(await response.json()).toEqual({ status: 'ok', db: 'ok' });
		expect(response.headers()['cache-control']).toBe('no-store');
	});

	test('every response carries a request id and a CSP that forbids framing', async ({ request }) => {
		const responses = {
			'landing page': await request.get('/'),
			'sign-in page': await request.get('/login'),
			'health check': await request.get('/healthz'),
			'not found': await request.get('/no-such-page'),
			redirect: await request.get('/me', { maxRedirects: 0 }),
			'form action (page)': await request.post('/login', {
				headers: formHeaders(ORIGIN),
				data: 'email=&password=',
				maxRedirects: 0
			}),
			'form action (enhanced)': await request.post('/login', {
				headers: {
					...formHeaders(ORIGIN),
					Accept: 'application/json',
					'x-sveltekit-action': 'true'
				},
				data: 'email=&password=',
				maxRedirects: 0
			}),
			'page data': await request.get('/login/__data.json')
		};
		// Not listed: adapter-node serves static and prerendered files without hooks.
		const ids = new Set<string>();
		for (const [what, response] of Object.entries(responses)) {
			const headers = response.headers();
			expect(headers['x-request-id'], what).toMatch(/^[\w-]{8,64}$/);
			ids.add(headers['x-request-id']);
			expect(headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
		}
		expect(ids.size).toBe(Object.keys(responses).length);
	});

	test('a 404 page shows the request reference', async ({ page }) => {
		const response = await page.goto('/no-such-page');
		expect(response?.status()).toBe(404);
		const requestId = response!.headers()['x-request-id'];
		await expect(page.getByText(requestId)).toBeVisible();
		await expect(page.getByText(/reference/i)).toBeVisible();
	});
});
