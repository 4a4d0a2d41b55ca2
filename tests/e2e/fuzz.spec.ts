// Garbage to every door: each page, form action and endpoint in the route tree (read from
// src/routes by route-tree.ts, not listed by hand) gets malformed requests as a visitor, a fan and
// staff: bodies that are not what they claim, invalid UTF-8, NUL and control characters in every
// field its page's forms name (the `name="…"` attributes) and in every route parameter and query
// name, integers out of range, oversized and thousands of fields, and seeded random values
// (fast-check). Any 5xx fails the test with the route, the role and the input. It runs against its
// own server on a fresh embedded database and on a fresh Postgres database (where the issue found
// most of them), so garbage sent as staff cannot disturb the other specs.
import { expect, test } from '@playwright/test';
import { routeTree } from './route-tree';
import { casesFor, form, ROLES, URLENCODED, type Case, type Role } from './fuzz-cases';
import { DEMO_FANS, DEMO_PASSWORD, DEMO_STAFF, SESSION_COOKIE } from './helpers';
import {
	freshDataDir,
	freshPostgresDatabase,
	postgresReachable,
	startServer,
	waitHealthy,
	type ServerProcess
} from './server-process';

const SPAWN_BASE = Number(process.env.E2E_SPAWN_PORT) || (Number(process.env.E2E_PORT) || 4173) + 1000;
/** Requests in flight at once. */
const PARALLEL = 4;

interface Session {
	role: Role;
	cookie?: string;
	headers: Record<string, string>;
}

async function signIn(origin: string, email: string): Promise<string> {
	const response = await fetch(`${origin}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { ...URLENCODED, origin, accept: 'text/html' },
		body: form([
			['email', email],
			['password', DEMO_PASSWORD]
		])
	});
	await response.arrayBuffer(); // an unread body leaves the connection unusable for the next request
	const cookie = response.headers
		.getSetCookie()
		.find((c) => c.startsWith(`${SESSION_COOKIE}=`))
		?.split(';')[0];
	if (response.status !== 303 || !cookie) throw new Error(`sign-in as ${email} failed: ${response.status}`);
	return cookie;
}

async function apiKey(origin: string, cookie: string): Promise<string> {
	const response = await fetch(`${origin}/staff/api-keys?/create`, {
		method: 'POST',
		headers: { ...URLENCODED, origin, cookie, accept: 'application/json', 'x-sveltekit-action': 'true' },
		body: form([
			['name', 'Fuzz'],
			['scopes', 'venue_checkin']
		])
	});
	const key = (await response.text()).match(/enc_live_[a-z2-7]{32}/)?.[0];
	if (!key) throw new Error(`no API key created: ${response.status}`);
	return key;
}

interface Figures {
	routes: number;
	requests: number;
	statuses: Record<string, number>;
	failures: string[];
}

async function fuzz(server: ServerProcess): Promise<Figures> {
	const origin = server.origin;
	const nodes = routeTree();
	const staffCookie = await signIn(origin, DEMO_STAFF);
	const fanCookie = await signIn(origin, DEMO_FANS.theo);
	const key = await apiKey(origin, staffCookie);
	const sessions: Record<Role, Session> = {
		visitor: { role: 'visitor', headers: {} },
		fan: { role: 'fan', cookie: fanCookie, headers: { cookie: fanCookie } },
		staff: { role: 'staff', cookie: staffCookie, headers: { cookie: staffCookie } }
	};
	const statuses: Record<string, number> = {};
	const failures: string[] = [];
	let requests = 0;
	// Signing out ends the session the rest needs: those requests go last.
	const endsSession = (c: Case) => c.path.includes('?/signOutEverywhere') || c.path.startsWith('/logout');
	const batches = nodes.map((node) => ({ node, cases: casesFor(node).filter((c) => !endsSession(c)) }));
	for (const node of nodes) batches.push({ node, cases: casesFor(node).filter(endsSession) });
	const only = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : null;
	for (const { node, cases } of batches) {
		if (!cases.length || (only && !only.test(node.rel))) continue;
		const started = Date.now();
		for (const role of ROLES) {
			const session = sessions[role];
			const queue = [...cases];
			const send = async () => {
				for (let c = queue.shift(); c; c = queue.shift()) {
					const headers: Record<string, string> = {
						accept: 'text/html',
						origin,
						...session.headers,
						...(c.headers ?? {})
					};
					if (role !== 'visitor' && node.rel === 'api/v1/engagements')
						headers.authorization = `Bearer ${key}`;
					let status: string;
					try {
						const response = await fetch(origin + c.path, {
							method: c.method,
							redirect: 'manual',
							headers,
							body: c.method === 'GET' ? undefined : (c.body as BodyInit),
							signal: AbortSignal.timeout(30_000)
						});
						await response.arrayBuffer();
						status = String(response.status);
					} catch (err) {
						status = `no answer (${String((err as Error).cause ?? err).slice(0, 60)})`;
					}
					requests++;
					statuses[status] = (statuses[status] ?? 0) + 1;
					if (!/^[1-4]\d\d$/.test(status))
						failures.push(`${status} ${role} ${c.method} ${c.path.slice(0, 120)} (${node.rel}): ${c.label}`);
				}
			};
			await Promise.all(Array.from({ length: PARALLEL }, send));
			// Garbage must not have ended or demoted the session (the rest would run as a visitor).
			if (role !== 'visitor' && !cases.some(endsSession)) {
				const check = await fetch(`${origin}/${role === 'staff' ? 'staff' : 'me'}`, {
					redirect: 'manual',
					headers: { cookie: session.headers.cookie, accept: 'text/html' }
				});
				if (check.status !== 200) throw new Error(`${role} session lost after ${node.rel}: ${check.status}`);
			}
		}
		if (process.env.FUZZ_VERBOSE)
			console.log(`${node.rel}: ${cases.length * ROLES.length} requests in ${Date.now() - started} ms`);
	}
	return { routes: nodes.length, requests, statuses, failures };
}

function report(name: string, figures: Figures) {
	const byRoute: Record<string, number> = {};
	for (const f of figures.failures) {
		const route = f.match(/ \(([^)]+)\): /)?.[1] ?? '?';
		byRoute[route] = (byRoute[route] ?? 0) + 1;
	}
	const lines = [
		`fuzz on ${name}: ${figures.routes} routes, ${figures.requests} requests`,
		`statuses: ${JSON.stringify(Object.fromEntries(Object.entries(figures.statuses).sort()))}`,
		`5xx or no answer: ${figures.failures.length} on ${Object.keys(byRoute).length} routes ${JSON.stringify(byRoute)}`
	];
	console.log(lines.join('\n'));
	test.info().annotations.push({ type: 'fuzz', description: lines.join(' | ') });
}

const SERVER_ENV = { ENCORE_DEMO: '1', DEMO_HISTORY_MEMBERS: '0', SCHEDULER_MS: '0', LOG_QUIET: '1' };

test('the route tree lists every action and endpoint with its fields', () => {
	const nodes = routeTree();
	const actions = nodes.flatMap((n) => n.actions.map((a) => `${n.rel} ?/${a}`));
	expect(actions.length).toBeGreaterThan(70);
	expect(actions).toEqual(
		expect.arrayContaining(['login ?/default', 'account ?/profile', 'tiers ?/checkout'])
	);
	expect(nodes.find((n) => n.rel === 'account')?.fields).toContain('displayName');
	expect(nodes.find((n) => n.rel === 'api/v1/engagements')?.handlers).toEqual(['POST']);
});

test('no malformed request gets a 5xx: embedded database', async () => {
	test.setTimeout(Number(process.env.FUZZ_TIMEOUT_MS) || 600_000);
	const server = startServer({
		port: SPAWN_BASE,
		env: { ...SERVER_ENV, DATA_DIR: freshDataDir('fuzz') }
	});
	try {
		await waitHealthy(server);
		const figures = await fuzz(server).catch((err: Error) => {
			throw new Error(`${err.message}\nserver output:\n${server.output().slice(-3000)}`);
		});
		report('PGlite', figures);
		expect(figures.failures, server.output().slice(-4000)).toEqual([]);
	} finally {
		await server.stop();
	}
});

test('no malformed request gets a 5xx: Postgres', async () => {
	test.setTimeout(Number(process.env.FUZZ_TIMEOUT_MS) || 600_000);
	if (!(await postgresReachable())) {
		test.skip(!process.env.CI, 'no Postgres at TEST_POSTGRES_URL');
		throw new Error('CI needs Postgres at TEST_POSTGRES_URL for the fuzz suite');
	}
	const database = await freshPostgresDatabase('encore_fuzz');
	const server = startServer({
		port: SPAWN_BASE + 1,
		env: { ...SERVER_ENV, DATA_DIR: freshDataDir('fuzz-pg'), DATABASE_URL: database.url }
	});
	try {
		await waitHealthy(server);
		const figures = await fuzz(server).catch((err: Error) => {
			throw new Error(`${err.message}\nserver output:\n${server.output().slice(-3000)}`);
		});
		report('Postgres', figures);
		expect(figures.failures, server.output().slice(-4000)).toEqual([]);
	} finally {
		await server.stop();
		await database.drop();
	}
});
