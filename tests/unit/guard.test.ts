import { isHttpError, isRedirect } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { isStaff, requireAdmin, requireStaff, requireUser, safeNext } from '$lib/server/auth/guard';
import type { SessionUser } from '$lib/server/auth/session';
import type { Role } from '$lib/server/db/schema';

function person(role: Role): SessionUser {
	return {
		id: '00000000-0000-4000-8000-000000000001',
		email: `${role}@example.com`,
		displayName: role,
		role,
		emailVerifiedAt: null,
		consentAnalytics: false,
		consentMarketing: false,
		createdAt: new Date()
	};
}

function event(user: SessionUser | null, path = '/staff') {
	return { locals: { user } as App.Locals, url: new URL(path, 'http://localhost') };
}

/** What a guard threw (SvelteKit's redirect() and error() throw), or 'returned'. */
function outcome(guard: () => unknown) {
	try {
		guard();
		return 'returned';
	} catch (e) {
		if (isRedirect(e)) return { redirect: e.status, location: e.location };
		if (isHttpError(e)) return { error: e.status, message: e.body.message };
		throw e;
	}
}

describe('safeNext', () => {
	it('keeps same-site relative paths', () => {
		expect(safeNext('/staff')).toBe('/staff');
		expect(safeNext('/drops/spring?tab=new#top')).toBe('/drops/spring?tab=new#top');
		expect(safeNext('/login?next=%2Fstaff')).toBe('/login?next=%2Fstaff');
		// A harmless stray newline is dropped rather than reaching the Location header.
		expect(safeNext('/drops\n?tab=new')).toBe('/drops?tab=new');
	});

	it.each([
		['//evil.example'],
		['//evil.example/path'],
		['https://evil.example'],
		['http://evil.example/me'],
		['/\\evil.example'],
		// Browsers drop tabs and newlines inside URLs: these would become //evil.example.
		['/\t/evil.example'],
		['/\n/evil.example'],
		['/\r\n/evil.example'],
		['/\t\\evil.example'],
		['javascript:alert(1)'],
		['evil.example'],
		[''],
		[null],
		[undefined]
	])('refuses %j and uses the fallback', (next) => {
		expect(safeNext(next)).toBe('/me');
		expect(safeNext(next, '/elsewhere')).toBe('/elsewhere');
	});
});

describe('requireUser', () => {
	it('sends a visitor to sign-in with a way back', () => {
		expect(outcome(() => requireUser(event(null, '/drops?tab=new')))).toEqual({
			redirect: 303,
			location: '/login?next=%2Fdrops%3Ftab%3Dnew'
		});
	});

	it('returns the signed-in user', () => {
		const fan = person('fan');
		expect(requireUser(event(fan))).toBe(fan);
	});
});

describe('requireStaff', () => {
	it('redirects an anonymous visitor to /login?next=…', () => {
		expect(outcome(() => requireStaff(event(null, '/staff')))).toEqual({
			redirect: 303,
			location: '/login?next=%2Fstaff'
		});
	});

	it('answers 403 to a fan', () => {
		expect(outcome(() => requireStaff(event(person('fan'))))).toEqual({
			error: 403,
			message: 'This page is for staff only.'
		});
	});

	it('lets staff and admins in', () => {
		for (const role of ['staff', 'admin'] as const) {
			const user = person(role);
			expect(requireStaff(event(user))).toBe(user);
		}
	});
});

describe('requireAdmin', () => {
	it('answers 403 to fans and staff, redirects visitors, admits admins', () => {
		expect(outcome(() => requireAdmin(event(person('fan'))))).toMatchObject({ error: 403 });
		expect(outcome(() => requireAdmin(event(person('staff'))))).toMatchObject({ error: 403 });
		expect(outcome(() => requireAdmin(event(null, '/staff/settings')))).toEqual({
			redirect: 303,
			location: '/login?next=%2Fstaff%2Fsettings'
		});
		const admin = person('admin');
		expect(requireAdmin(event(admin))).toBe(admin);
	});
});

describe('isStaff', () => {
	it('is true for staff and admin only', () => {
		expect([null, undefined, person('fan'), person('staff'), person('admin')].map(isStaff)).toEqual([
			false,
			false,
			false,
			true,
			true
		]);
	});
});
