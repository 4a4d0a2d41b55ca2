// Staff-only, proven against the running server: every route under src/routes/staff (listed from
// the file tree, not by hand) and every named form action answers 403 to a signed-in fan, and
// sends a visitor to sign-in. The static twin is tests/unit/staff-guard.test.ts.
import { expect, request as newRequest, test, type APIRequestContext } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { newEmail, ORIGIN, signUp } from './helpers';

const STAFF_DIR = path.resolve('src/routes/staff');
/** Fills every [param]: guards run before anything reads it, so any value will do. */
const PLACEHOLDER = '1';

interface Target {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	path: string;
	/** For form actions: what is checked, e.g. "members/[id] ?/adjust". */
	label: string;
}

function urlOf(dir: string): string {
	const rel = path.relative(path.resolve('src/routes'), dir).split(path.sep);
	return (
		'/' +
		rel
			.filter((s) => !/^\(.*\)$/.test(s))
			.map((s) => (/^\[.*\]$/.test(s) ? PLACEHOLDER : s))
			.join('/')
	);
}

/** The property names of `export const actions = { … }`. */
function actionNames(source: string): string[] {
	const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const names: string[] = [];
	for (const statement of file.statements) {
		if (!ts.isVariableStatement(statement)) continue;
		for (const decl of statement.declarationList.declarations) {
			if (!ts.isIdentifier(decl.name) || decl.name.text !== 'actions' || !decl.initializer) continue;
			let value: ts.Expression = decl.initializer;
			while (
				ts.isSatisfiesExpression(value) ||
				ts.isAsExpression(value) ||
				ts.isParenthesizedExpression(value)
			)
				value = value.expression;
			if (!ts.isObjectLiteralExpression(value)) throw new Error('actions is not an object literal');
			for (const p of value.properties)
				if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) names.push(p.name.text);
		}
	}
	return names;
}

function handlerNames(source: string): Target['method'][] {
	return [
		...source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)
	].map((m) => m[1] as Target['method']);
}

function targets(): Target[] {
	const found: Target[] = [];
	const dirs = [
		STAFF_DIR,
		...readdirSync(STAFF_DIR, { recursive: true, withFileTypes: true })
			.filter((e) => e.isDirectory())
			.map((e) => path.join(e.parentPath, e.name))
	].sort();
	for (const dir of dirs) {
		const files = readdirSync(dir);
		const url = urlOf(dir);
		const rel = path.relative(STAFF_DIR, dir) || '.';
		if (files.includes('+page.svelte') || files.includes('+page.server.ts'))
			found.push({ method: 'GET', path: url, label: `${rel} (page)` });
		if (files.includes('+page.server.ts')) {
			for (const name of actionNames(readFileSync(path.join(dir, '+page.server.ts'), 'utf8')))
				found.push({
					method: 'POST',
					path: name === 'default' ? url : `${url}?/${name}`,
					label: `${rel} ?/${name}`
				});
		}
		if (files.includes('+server.ts'))
			for (const method of handlerNames(readFileSync(path.join(dir, '+server.ts'), 'utf8')))
				found.push({ method, path: url, label: `${rel} ${method}` });
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
			'members/[id] ?/adjust',
			'members/[id] ?/role',
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
