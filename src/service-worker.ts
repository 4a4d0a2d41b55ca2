/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Encore's service worker (vite-plugin-pwa, injectManifest; registered from src/lib/pwa/register.ts).
//
// - The app shell (immutable JS/CSS, icons, favicon, manifest, the prerendered /offline page) is
//   precached; immutable assets are served cache-first.
// - Navigations go to the network first. Fan pages that load fine are kept in a small runtime cache,
//   so a page seen recently opens offline; anything else offline gets the /offline page.
// - Account, staff, dev and API pages are never stored, and the page cache is emptied whenever the
//   person on the device may change (sign-out, sign-in, sign-up, or a `clear-user-cache` message).
import { clientsClaim } from 'workbox-core';
import { CacheExpiration, ExpirationPlugin } from 'workbox-expiration';
import {
	cleanupOutdatedCaches,
	matchPrecache,
	precacheAndRoute,
	type PrecacheEntry
} from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import type { WorkboxPlugin } from 'workbox-core/types';
import { formatDateTime, isTimeZone, zoneLabel } from '$lib/time';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

const manifest = self.__WB_MANIFEST;

/** Page caches carry the build's fingerprint: a page saved by an older build points at assets that are gone. */
const PAGE_CACHE_PREFIX = 'encore-pages-';
const PAGE_CACHE = PAGE_CACHE_PREFIX + fingerprint(manifest);
const PAGE_CACHE_LIMITS = { maxEntries: 30, maxAgeSeconds: 7 * 24 * 60 * 60 };
const IMMUTABLE_CACHE = 'encore-immutable';
const OFFLINE_URL = '/offline';

/** Paths whose pages must never be stored on the device. */
const NEVER_CACHED = [
	/^\/staff(\/|$)/,
	/^\/dev(\/|$)/,
	/^\/api(\/|$)/,
	/^\/login(\/|$)/,
	/^\/signup(\/|$)/,
	/^\/logout(\/|$)/,
	/^\/reset-password/,
	/^\/verify-email/,
	/\/__data\.json$/,
	// A drop's page, its media and feeds: what a member may read can end (a tier lapses, a drop is
	// unpublished), so none of it is kept on the device. The /drops list holds teasers only.
	/^\/drops\/.+/
];
/** POSTs after which the device may belong to someone else (or to no one). */
const IDENTITY_CHANGES = ['/logout', '/login', '/signup'];

// registerType 'autoUpdate': a new version takes over at once and the page reloads (virtual:pwa-register).
void self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();

// Registered before Workbox's router, which only answers GETs: this one answers the identity POSTs.
self.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (
		event.request.method === 'POST' &&
		url.origin === self.location.origin &&
		IDENTITY_CHANGES.includes(url.pathname)
	) {
		// Empty the cache before the request leaves, so no page of the previous person survives it.
		// A failure to clear must never block signing out.
		const request = event.request;
		event.respondWith(
			clearPageCaches()
				.catch((error: unknown) => console.error('Encore: could not clear the page cache', error))
				.then(() => fetch(request))
		);
	}
});

self.addEventListener('message', (event: ExtendableMessageEvent) => {
	const data: unknown = event.data;
	if (data && typeof data === 'object' && 'type' in data && data.type === 'clear-user-cache') {
		event.waitUntil(
			clearPageCaches()
				.catch((error: unknown) => console.error('Encore: could not clear the page cache', error))
				.finally(() => event.ports[0]?.postMessage({ type: 'user-cache-cleared' }))
		);
	}
});

self.addEventListener('activate', (event) => {
	// Page caches of earlier builds.
	event.waitUntil(clearPageCaches((name) => name !== PAGE_CACHE));
});

precacheAndRoute(manifest);

registerRoute(
	({ url }) => url.origin === self.location.origin && url.pathname.startsWith('/_app/immutable/'),
	new CacheFirst({
		cacheName: IMMUTABLE_CACHE,
		plugins: [
			okOnly(),
			new ExpirationPlugin({ maxEntries: 150, maxAgeSeconds: 60 * 24 * 60 * 60, purgeOnQuotaError: true })
		]
	})
);

const pages = new NetworkFirst({
	cacheName: PAGE_CACHE,
	plugins: [
		okOnly(),
		new ExpirationPlugin({ ...PAGE_CACHE_LIMITS, purgeOnQuotaError: true }),
		markSavedCopies()
	]
});

registerRoute(
	({ request, url }) => request.mode === 'navigate' && url.origin === self.location.origin,
	async (options) => {
		const { request, url } = options;
		try {
			if (isCacheablePage(url)) return await pages.handle(options);
			return await fetch(request);
		} catch {
			// Offline, and no saved copy of this page.
			return (await matchPrecache(OFFLINE_URL)) ?? Response.error();
		}
	}
);

function isCacheablePage(url: URL): boolean {
	return url.pathname !== OFFLINE_URL && !NEVER_CACHED.some((pattern) => pattern.test(url.pathname));
}

/** Store complete, same-origin 200 responses only (no redirects, errors or opaque responses). */
function okOnly(): WorkboxPlugin {
	return {
		cacheWillUpdate: async ({ response }) =>
			response.status === 200 && response.type === 'basic' && !response.redirected ? response : null
	};
}

/** A saved page served offline says so at the top, with the time it was saved. */
function markSavedCopies(): WorkboxPlugin {
	return {
		cachedResponseWillBeUsed: async ({ cachedResponse }) => {
			if (!cachedResponse) return cachedResponse;
			try {
				const html = await cachedResponse.clone().text();
				const saved = new Date(cachedResponse.headers.get('date') ?? '');
				// On the house's clock, like every time the page itself shows (the layout names it).
				const zone = /<meta name="house-time-zone" content="([^"]+)"/.exec(html)?.[1] ?? '';
				const when = Number.isNaN(saved.getTime())
					? ''
					: isTimeZone(zone)
						? ` from ${formatDateTime(saved, zone)} (${zoneLabel(zone)})`
						: ` from ${formatDateTime(saved, Intl.DateTimeFormat().resolvedOptions().timeZone)}`;
				const notice = `<p class="notice notice-warning" role="status" data-offline-copy>You are offline. This is the copy saved on this device${when}.</p>`;
				// Before the app's root element, so hydration never sees it.
				const marked = html.replace(/<body[^>]*>/i, (tag) => tag + notice);
				const headers = new Headers(cachedResponse.headers);
				headers.delete('content-length');
				return new Response(marked, {
					status: cachedResponse.status,
					statusText: cachedResponse.statusText,
					headers
				});
			} catch {
				return cachedResponse;
			}
		}
	};
}

async function clearPageCaches(which: (name: string) => boolean = () => true): Promise<void> {
	const names = (await caches.keys()).filter((name) => name.startsWith(PAGE_CACHE_PREFIX) && which(name));
	for (const name of names) {
		// Expiration metadata (IndexedDB) first: clearing it reopens the cache, which is then deleted.
		await new CacheExpiration(name, PAGE_CACHE_LIMITS).delete().catch(() => undefined);
		await caches.delete(name);
	}
}

/** A short, stable fingerprint of the precache manifest (FNV-1a). */
function fingerprint(entries: Array<PrecacheEntry | string>): string {
	const text = entries.map((e) => (typeof e === 'string' ? e : `${e.url}@${e.revision ?? ''}`)).join('\n');
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return (hash >>> 0).toString(36);
}

// Web Push: the server sends { title, body, url, tag } (notifications/push.ts). The payload only
// ever holds what the member's inbox shows them, so nothing locked can leak through it.
self.addEventListener('push', (event: PushEvent) => {
	let payload: { title?: string; body?: string; url?: string; tag?: string };
	try {
		payload = event.data?.json() ?? {};
	} catch {
		payload = { body: event.data?.text() };
	}
	event.waitUntil(
		self.registration.showNotification(payload.title || 'Something new for you', {
			body: payload.body ?? '',
			tag: payload.tag,
			icon: '/icon-192.png',
			badge: '/icon-192.png',
			data: { url: payload.url || '/me/inbox' }
		})
	);
});

self.addEventListener('notificationclick', (event: NotificationEvent) => {
	event.notification.close();
	const target = new URL(
		(event.notification.data as { url?: string })?.url || '/me/inbox',
		self.location.origin
	);
	// Only our own pages: a payload cannot send the fan elsewhere.
	const url = target.origin === self.location.origin ? target.href : self.location.origin;
	event.waitUntil(
		(async () => {
			const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
			const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
			if (open) {
				await open.focus();
				await open.navigate(url).catch(() => undefined);
			} else {
				await self.clients.openWindow(url);
			}
		})()
	);
});
