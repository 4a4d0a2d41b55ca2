// Staff-only, proven against the running server: every route under src/routes/staff (listed from
// the file tree, not by hand) and every named form action answers 403 to a signed-in fan, and
// sends a visitor to sign-in. The static twin is tests/unit/staff-guard.test.ts.
import { expect, request as newRequest, test, type APIRequestContext } from '@playwright/test';
import path from 'node:path';
import { newEmail, ORIGIN, signUp } from './helpers';
import { ROUTES_DIR, routeTree, urlOf, type Method } from './route-tree';

const STAFF_DIR = path.join(ROUTES_DIR, 'staff');

interface Target {
	method: Method;
	path: string;
	/** For form actions: what is checked, e.g. "members/[id=uuid] ?/adjust". */
	label: string;
}

function targets(): Target[] {
	const found: Target[] = [];
	for (const node of routeTree(STAFF_DIR)) {
		// Every [param] filled with a value its matcher accepts: guards run before anything reads it.
		const url = urlOf(node);
		const rel = path.relative(STAFF_DIR, node.dir) || '.';
		if (node.page) found.push({ method: 'GET', path: url, label: `${rel} (page)` });
		for (const name of node.actions)
			found.push({
				method: 'POST',
				path: name === 'default' ? url : `${url}?/${name}`,
				label: `${rel} ?/${name}`
			});
		for (const method of node.handlers) found.push({ method, path: url, label: `${rel} ${method}` });
	}
	return found;
}

const TARGETS = targets();

async function hit(api: APIRequestContext, t: Target) {
	return api.fetch(t.path, {
		method: t.method,
		maxRedirects: 0,
		// As a browser without JavaScript sends them (with `accept: application/json` SvelteKit
		// answers form actions with a JSON result instead).
		headers: {
			accept: 'text/html',
			...(t.method === 'GET' ? {} : { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' })
		},
		data: t.method === 'GET' ? undefined : 'id=1&name=x'
	});
}

test('the route tree was read: pages, actions and endpoints', () => {
	const labels = TARGETS.map((t) => t.label);
	// A few known ones, so a broken walk cannot pass by finding nothing.
	expect(labels).toEqual(
		expect.arrayContaining([
			'. (page)',
			'members/[id=uuid] ?/adjust',
			'members/[id=uuid] ?/role',
			'members/export.csv GET'
		])
	);
	expect(TARGETS.filter((t) => t.method === 'POST').length).toBeGreaterThan(20);
});

test('a signed-in fan gets 403 from every staff page, action and endpoint', async ({ page }) => {
	test.setTimeout(120_000);
	await signUp(page, 'Nosy Fan', newEmail('nosy'), 'a fan who should not see this');
	const failures: string[] = [];
	for (const t of TARGETS) {
		const response = await hit(page.request, t);
		if (response.status() !== 403) failures.push(`${t.label} ${t.method} ${t.path}: ${response.status()}`);
	}
	expect(failures).toEqual([]);
});

test('a visitor is sent to sign-in from every staff page, action and endpoint', async () => {
	test.setTimeout(120_000);
	const api = await newRequest.newContext({ baseURL: ORIGIN });
	const failures: string[] = [];
	for (const t of TARGETS) {
		const response = await hit(api, t);
		const location = response.headers()['location'] ?? '';
		if (![302, 303, 307].includes(response.status()) || !location.startsWith('/login?next='))
			failures.push(`${t.label} ${t.method} ${t.path}: ${response.status()} ${location}`);
	}
	await api.dispose();
	expect(failures).toEqual([]);
});
