// Shared steps for the end-to-end journeys: role- and label-based, like a person using the page.
import { expect, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';

/** The test server's origin (playwright.config.ts; E2E_PORT moves it). */
export const ORIGIN = `http://localhost:${Number(process.env.E2E_PORT) || 4173}`;

export const DEMO_PASSWORD = 'encore-demo-2026';
export const DEMO_STAFF = 'staff@encore.demo';
/** Demo fans; each spec signs in as its own so parallel workers never share state that matters. */
export const DEMO_FANS = { mara: 'mara@encore.demo', theo: 'theo@encore.demo', ines: 'ines@encore.demo' };
export const SESSION_COOKIE = 'encore_session';

/** Sign-ups are limited to 20 an hour per address and every test comes from 127.0.0.1: use sparingly. */
export function newEmail(prefix: string): string {
	return `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
}

export async function signUp(page: Page, name: string, email: string, password: string): Promise<void> {
	await page.goto('/signup');
	await page.getByLabel('Your name', { exact: true }).fill(name);
	await page.getByLabel('Email', { exact: true }).fill(email);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Create my account' }).click();
	await expect(page).toHaveURL(/\/me(\?|$)/);
}

export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
	await page.getByLabel('Email', { exact: true }).fill(email);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
	await page.goto('/login');
	await fillSignIn(page, email, password);
	await expect(page).toHaveURL(/\/me(\?|$)/);
}

export async function signOut(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login\?signedOut=1$/);
}
