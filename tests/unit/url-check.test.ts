import { describe, expect, it } from 'vitest';
import { urlProblem } from '$lib/server/http/url-check';

const at = (path: string) => urlProblem(new URL(path, 'http://localhost'));

describe('urlProblem', () => {
	it('refuses NUL and other controls in the path', () => {
		expect(at('/drops/%00')).toMatch(/control character/);
		expect(at('/drops/%09x')).toMatch(/control character/);
	});

	it('refuses NUL in a query value or name', () => {
		expect(at('/staff/members?q=%00')).toMatch(/“q” contains a control character/);
		expect(at('/staff/members?%01=x')).toMatch(/control character/);
	});

	it('lets a query value carry tab and line breaks, as a form body may', () => {
		expect(at('/login?next=/%09/evil.example')).toBeNull();
		expect(at('/search?q=two%0Alines%0D%0A')).toBeNull();
	});

	it('refuses a query string past 8 KiB', () => {
		expect(at(`/x?q=${'a'.repeat(9000)}`)).toMatch(/too long/);
	});
});
