import { describe, expect, it } from 'vitest';
import {
	hashPassword,
	PASSWORD_MAX,
	PASSWORD_MIN,
	passwordProblem,
	verifyAgainstDummy,
	verifyPassword
} from '$lib/server/auth/password';

describe('hashPassword', () => {
	it('makes a salted argon2id hash with the OWASP baseline parameters', async () => {
		const a = await hashPassword('correct horse battery');
		const b = await hashPassword('correct horse battery');
		expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
		expect(a).not.toBe(b); // a fresh salt each time
		expect(a).not.toContain('correct horse');
	});
});

describe('verifyPassword', () => {
	it('accepts the right password and refuses a wrong one', async () => {
		const stored = await hashPassword('correct horse battery');
		expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
		expect(await verifyPassword(stored, 'correct horse battery ')).toBe(false);
		expect(await verifyPassword(stored, 'Correct horse battery')).toBe(false);
	});

	it('answers false (never throws) for a malformed hash', async () => {
		expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
		expect(await verifyPassword('', 'anything')).toBe(false);
	});

	it('the dummy check for unknown emails always says no', async () => {
		expect(await verifyAgainstDummy('encore-timing-equaliser')).toBe(false);
	});
});

describe('passwordProblem', () => {
	it('accepts a reasonable password', () => {
		expect(passwordProblem('a long walk to the venue')).toBeNull();
		expect(passwordProblem('x'.repeat(PASSWORD_MIN - 4) + 'abcd')).toBeNull();
	});

	it('refuses passwords that are too short or too long', () => {
		expect(passwordProblem('abcdefghi')).toBe(`Use at least ${PASSWORD_MIN} characters.`);
		expect(passwordProblem('')).toBe(`Use at least ${PASSWORD_MIN} characters.`);
		expect(passwordProblem('ab1-'.repeat(64))).toBeNull(); // exactly the maximum
		expect(passwordProblem('ab1-'.repeat(64) + 'x')).toBe(`Use at most ${PASSWORD_MAX} characters.`);
	});

	it('refuses repetitive passwords (fewer than 4 distinct characters)', () => {
		expect(passwordProblem('aaaaaaaaaaaa')).toBe('That password is too repetitive.');
		expect(passwordProblem('abcabcabcabc')).toBe('That password is too repetitive.');
		expect(passwordProblem('abcdabcdabcd')).toBeNull();
	});

	it('refuses a password containing the email name, whatever the case', () => {
		expect(passwordProblem('Mara.Jensen-2026', 'mara.jensen@example.com')).toBe(
			'Your password should not contain your email address.'
		);
		expect(passwordProblem('my name is theo!', 'THEO@example.com')).toBe(
			'Your password should not contain your email address.'
		);
		// Very short local parts are too common a substring to forbid.
		expect(passwordProblem('bob the builder 99', 'bob@example.com')).toBeNull();
	});

	it('refuses common passwords, whatever the case', () => {
		expect(passwordProblem('password123')).toBe('That password is too common; choose another.');
		expect(passwordProblem('PassWord123')).toBe('That password is too common; choose another.');
		expect(passwordProblem('QWERTYUIOP')).toBe('That password is too common; choose another.');
	});
});
