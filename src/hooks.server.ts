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
import { assertDemoAllowed, PaymentsConfigError } from '$lib/server/patronage';

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
		const handle = await startDatabase();
		if (config.demo) await seedDemo(handle.db);
		else await seedEssentials(handle.db);
		// Scheduled work (src/lib/server/scheduled-work.ts) as jobs in Postgres; SCHEDULER_MS=0 turns it off.
		if (config.schedulerMs > 0) {
			jobs = await startJobs(handle.db, dueWork, {
				driver: handle.driver,
				tickMs: config.schedulerMs,
				databaseUrl: config.databaseUrl
			});
		}
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
	process.once('sveltekit:shutdown', () => {
		// Running jobs finish (or are handed back to the queue) before the database closes.
		void (jobs ? jobs.stop().catch(() => undefined) : Promise.resolve()).then(() => stopDatabase());
	});
};

const requestId: Handle = async ({ event, resolve }) => {
	const incoming = event.request.headers.get('x-request-id');
	event.locals.requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	return response;
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
				await recordDailyVisit(getDb(), event.cookies, result.user.id).catch((err) =>
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

const csrf: Handle = async ({ event, resolve }) => {
	if (crossSiteFormBlocked(event.request.method, event.request.headers, event.url)) {
		const message = 'Cross-site form submissions are not allowed.';
		return event.request.headers.get('accept')?.includes('application/json')
			? new Response(JSON.stringify({ message }), {
					status: 403,
					headers: { 'content-type': 'application/json' }
				})
			: new Response(message, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
	}
	return resolve(event);
};

export const handle = sequence(requestId, securityHeaders, csrf, session);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const requestId = event.locals.requestId ?? crypto.randomUUID();
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
