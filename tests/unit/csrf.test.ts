import { describe, expect, it } from 'vitest';
import { crossSiteFormBlocked } from '$lib/server/csrf';

const url = (path: string) => new URL(`https://fans.example${path}`);
const headers = (h: Record<string, string>) => new Headers(h);

describe('crossSiteFormBlocked', () => {
	it('refuses a form POST from another origin, or with no origin, as SvelteKit does', () => {
		for (const type of [
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=x',
			'text/plain'
		]) {
			expect(
				crossSiteFormBlocked(
					'POST',
					headers({ 'content-type': type, origin: 'https://evil.example' }),
					url('/login')
				)
			).toBe(true);
			expect(crossSiteFormBlocked('POST', headers({ 'content-type': type }), url('/account'))).toBe(true);
		}
		expect(crossSiteFormBlocked('DELETE', headers({ 'content-type': 'text/plain' }), url('/x'))).toBe(true);
	});

	it('lets same-origin forms, JSON bodies and safe methods through', () => {
		const form = 'application/x-www-form-urlencoded';
		expect(
			crossSiteFormBlocked(
				'POST',
				headers({ 'content-type': form, origin: 'https://fans.example' }),
				url('/login')
			)
		).toBe(false);
		expect(
			crossSiteFormBlocked(
				'POST',
				headers({ 'content-type': 'application/json' }),
				url('/api/stripe/webhook')
			)
		).toBe(false);
		expect(crossSiteFormBlocked('GET', headers({ 'content-type': form }), url('/login'))).toBe(false);
	});

	it('accepts a mail client one-click unsubscribe POST to a token path only', () => {
		const oneClick = headers({ 'content-type': 'application/x-www-form-urlencoded' });
		expect(crossSiteFormBlocked('POST', oneClick, url('/unsubscribe/abc.def'))).toBe(false);
		expect(crossSiteFormBlocked('POST', oneClick, url('/unsubscribe/abc/def'))).toBe(true);
		expect(crossSiteFormBlocked('POST', oneClick, url('/unsubscribe'))).toBe(true);
	});
});
