// Authorisation helpers: one line at the top of every load, action and endpoint.
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { SessionUser } from './session';

type Event = Pick<RequestEvent, 'locals' | 'url'>;

export function signInPath(url: URL): string {
	return `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
}

/** The signed-in user, or a redirect to sign-in that comes back here afterwards. */
export function requireUser(event: Event): SessionUser {
	const user = event.locals.user;
	if (!user) redirect(303, signInPath(event.url));
	return user;
}

export function isStaff(user: Pick<SessionUser, 'role'> | null | undefined): boolean {
	return user?.role === 'staff' || user?.role === 'admin';
}

/** Staff or admin; fans get 403, visitors go to sign-in. */
export function requireStaff(event: Event): SessionUser {
	const user = requireUser(event);
	if (!isStaff(user)) error(403, 'This page is for staff only.');
	return user;
}

export function requireAdmin(event: Event): SessionUser {
	const user = requireUser(event);
	if (user.role !== 'admin') error(403, 'This page is for admins only.');
	return user;
}

/** Only same-site relative paths, so `?next=` cannot send people elsewhere. */
export function safeNext(next: string | null | undefined, fallback = '/me'): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
	// Resolve it as a browser would: browsers drop tabs and newlines, so `/\t/evil.example` means `//evil.example`.
	const base = 'http://encore.invalid';
	const url = new URL(next, base);
	if (url.origin !== base) return fallback;
	return url.pathname + url.search + url.hash;
}
