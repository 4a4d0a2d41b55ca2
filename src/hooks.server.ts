import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { sequence } from '@sveltejs/kit/hooks';
import { config } from '$lib/server/config';
import { DatabaseConfigError, getDb, startDatabase, stopDatabase } from '$lib/server/db';
import { seedDemo } from '$lib/server/demo';
import { seedEssentials, wireDomains } from '$lib/server/setup';
import {
	SESSION_COOKIE,
	deleteSessionCookie,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/auth';
import { crossSiteFormBlocked } from '$lib/server/csrf';
import { log } from '$lib/server/log';
import { recordDailyVisit } from '$lib/server/loyalty';
import { startJobs, type JobRunner } from '$lib/server/jobs';
import { dueWork } from '$lib/server/scheduled-work';
import { assertDemoAllowed, closePayments, PaymentsConfigError } from '$lib/server/patronage';
import { withStartupLock } from '$lib/server/db';
import { badInputOf, urlProblem } from '$lib/server/http';

export const init: ServerInit = async () => {
	if (building) return; // prerendering (the offline page) needs no database
	wireDomains();
	let jobs: JobRunner | undefined;
	try {
		// Demo payments never stand in for a live Stripe account in production: refuse to start.
		assertDemoAllowed({
			production: config.production,
			secretKey: config.stripeSecretKey,
			demo: config.demoPayments
		});
		// One replica at a time migrates, seeds and creates the job queues (the others wait, then find it done).
		const handle = await withStartupLock(config.databaseUrl, async () => {
			const h = await startDatabase();
			if (config.demo) await seedDemo(h.db);
			else await seedEssentials(h.db);
			// Scheduled work (src/lib/server/scheduled-work.ts) as jobs in Postgres; SCHEDULER_MS=0 turns it off.
			if (config.schedulerMs > 0) {
				jobs = await startJobs(h.db, dueWork, {
					driver: h.driver,
					tickMs: config.schedulerMs,
					databaseUrl: config.databaseUrl
				});
			}
			return h;
		});
		log.info('encore ready', { database: handle.label, demo: config.demo, jobs: !!jobs });
	} catch (err) {
		// One clear line instead of a stack trace: the usual cause is a wrong DATABASE_URL.
		const reason =
			err instanceof DatabaseConfigError || err instanceof PaymentsConfigError
				? err.message
				: `database failed to start: ${String(err)}`;
		console.error(`Encore cannot start: ${reason}`);
		process.exit(1);
	}
	// adapter-node emits this once the server has stopped listening and every request in flight has
	// been answered; what is left to close is ours.
	process.once('sveltekit:shutdown', () => void shutDown(jobs));
};

/** Job workers finish (or hand their jobs back), then demo payments and the database close, then exit. */
async function shutDown(jobs: JobRunner | undefined): Promise<void> {
	// Whatever still hangs after this long is not worth a replica that will not die.
	const deadline = setTimeout(() => {
		log.error('shutdown took longer than 8 s: exiting anyway');
		process.exit(1);
	}, 8_000);
	deadline.unref();
	try {
		await jobs?.stop();
		await closePayments();
		await stopDatabase();
	} catch (err) {
		log.error('shutdown failed', { error: String(err) });
		process.exitCode = 1;
	}
	clearTimeout(deadline);
	log.info('encore stopped');
	// Nothing of ours is left open; an idle keep-alive socket or a library's timer must not keep the process up.
	process.exit();
}

const requestId: Handle = async ({ event, resolve }) => {
	const incoming = event.request.headers.get('x-request-id');
	event.locals.requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	return response;
};

/**
 * An answer sent before the body was read (a visitor's POST redirected to sign-in) leaves the body
 * in the socket, and the next request on that keep-alive connection would wait behind it until
 * the connection times out: read what is left, after answering.
 */
const drainUnreadBody: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (event.request.body && !event.request.bodyUsed) void event.request.arrayBuffer().catch(() => undefined);
	return response;
};

/** NUL and other control characters in the path or query: a 400 before any route sees them. */
const refuseControlCharacters: Handle = async ({ event, resolve }) => {
	if (building) return resolve(event); // prerendered pages have no query string to read
	const problem = urlProblem(event.url);
	// A plain answer, not error(): SvelteKit's own handling of a malformed path runs hooks again.
	if (problem) return plainError(event.request, 400, problem);
	return resolve(event);
};

/**
 * SvelteKit answers any error it did not expect with a 500, and handleError cannot change that:
 * when handleError recognised a database error caused by bad input, the status becomes its 4xx.
 */
const badInputStatus: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const status = event.locals.badInputStatus;
	if (!status || response.status < 500) return response;
	return new Response(response.body, { status, headers: response.headers });
};

const session: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	event.locals.unread = null;
	const token = building ? undefined : event.cookies.get(SESSION_COOKIE);
	if (token) {
		const result = await validateSessionToken(getDb(), token);
		if (result.session && result.user) {
			if (result.renewed) setSessionCookie(event.cookies, token, result.session.expiresAt);
			event.locals.user = result.user;
			event.locals.session = result.session;
			// A form action may read items before the layout loads: only a GET trusts this count.
			if (event.request.method === 'GET') event.locals.unread = result.unread;
			if (event.request.method === 'GET' && !event.url.pathname.startsWith('/api/')) {
				// Points for showing up, at most once a day; never worth failing a page over.
				await recordDailyVisit(getDb(), result.session).catch((err) =>
					log.error('daily visit not recorded', { requestId: event.locals.requestId, error: String(err) })
				);
			}
		} else {
			deleteSessionCookie(event.cookies);
		}
	}
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const h = response.headers;
	h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	h.set('X-Content-Type-Options', 'nosniff');
	h.set('X-Frame-Options', 'DENY');
	// SvelteKit adds its CSP to rendered pages only; endpoints, redirects and action results get the framing rule too.
	if (!h.has('Content-Security-Policy')) h.set('Content-Security-Policy', "frame-ancestors 'none'");
	h.set('Permissions-Policy', 'camera=(self), microphone=(), geolocation=(), payment=()');
	if (config.production) h.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
	// Signed-in pages must never sit in a shared cache.
	if (event.locals.user && !h.has('cache-control')) h.set('Cache-Control', 'private, no-store');
	return response;
};

function plainError(request: Request, status: number, message: string): Response {
	return request.headers.get('accept')?.includes('application/json')
		? new Response(JSON.stringify({ message }), { status, headers: { 'content-type': 'application/json' } })
		: new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

const csrf: Handle = async ({ event, resolve }) => {
	if (crossSiteFormBlocked(event.request.method, event.request.headers, event.url)) {
		return plainError(event.request, 403, 'Cross-site form submissions are not allowed.');
	}
	return resolve(event);
};

export const handle = sequence(
	drainUnreadBody,
	requestId,
	badInputStatus,
	securityHeaders,
	csrf,
	refuseControlCharacters,
	session
);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const requestId = event.locals.requestId ?? crypto.randomUUID();
	const bad = status >= 500 ? badInputOf(error) : null;
	if (bad) {
		event.locals.badInputStatus = bad.status;
		log.warn('bad input reached the database', {
			requestId,
			method: event.request.method,
			path: event.url.pathname,
			code: bad.code,
			error: error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300)
		});
		return { message: bad.message, requestId, status: bad.status };
	}
	if (status >= 500) {
		log.error('request failed', {
			requestId,
			method: event.request.method,
			path: event.url.pathname,
			error: error instanceof Error ? (error.stack ?? error.message) : String(error)
		});
		return { message: 'Something went wrong on our side.', requestId };
	}
	return { message, requestId };
};
