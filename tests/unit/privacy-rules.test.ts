import { describe, expect, it } from 'vitest';
import { removalDue, retentionEnabled, warnIfInactiveSince } from '$lib/server/privacy/retention-rules';
import { scrubText, scrubValue } from '$lib/server/privacy/scrub';
import { deleteAccountSchema } from '$lib/server/privacy/delete-account';

const DAY = 24 * 60 * 60 * 1000;
const member = { email: 'zelda.q@example.com', displayName: 'Zelda Q' };

describe('scrubbing free text and JSON', () => {
	it('cuts out the address anywhere and the name as a whole word, in any case', () => {
		expect(scrubText('Mail ZELDA.Q@example.com about it', member)).toBe('Mail [erased] about it');
		expect(scrubText('Phoned zelda q today; Zelda Quinn is someone else', member)).toBe(
			'Phoned [erased] today; Zelda Quinn is someone else'
		);
	});

	it('rewrites string values only, never keys, and keeps untouched values identical', () => {
		const details = {
			'Zelda Q': 1,
			note: 'for Zelda Q',
			list: ['zelda.q@example.com', 3],
			nested: { ok: true }
		};
		expect(scrubValue(details, member)).toEqual({
			'Zelda Q': 1,
			note: 'for [erased]',
			list: ['[erased]', 3],
			nested: { ok: true }
		});
		const clean = { a: 'nothing here', b: [1, 2] };
		expect(scrubValue(clean, member)).toBe(clean);
	});

	it('treats regular-expression characters in a name literally', () => {
		expect(scrubText('a (b)+ c', { email: 'x@y.z', displayName: '(b)+' })).toBe('a [erased] c');
	});
});

describe('retention rules', () => {
	const settings = { inactiveDays: 365, warningDays: 30 };
	const now = new Date('2027-06-01T12:00:00Z');

	it('is off at 0 days', () => {
		expect(retentionEnabled({ inactiveDays: 0, warningDays: 30 })).toBe(false);
		expect(retentionEnabled(settings)).toBe(true);
	});

	it('warns the given days before removal', () => {
		expect(warnIfInactiveSince(now, settings).getTime()).toBe(now.getTime() - 335 * DAY);
		// A warning period longer than the whole period is capped: warn straight away.
		expect(warnIfInactiveSince(now, { inactiveDays: 10, warningDays: 30 }).getTime()).toBe(now.getTime());
	});

	it('never removes sooner than the promised notice after the warning', () => {
		const lastActive = new Date(now.getTime() - 400 * DAY); // the scheduler was off for a while
		expect(removalDue(lastActive, now, settings).getTime()).toBe(now.getTime() + 30 * DAY);
		const recent = new Date(now.getTime() - 335 * DAY);
		expect(removalDue(recent, now, settings).getTime()).toBe(now.getTime() + 30 * DAY);
		const warnedEarly = new Date(now.getTime() - 300 * DAY);
		expect(removalDue(warnedEarly, now, settings).getTime()).toBe(warnedEarly.getTime() + 365 * DAY);
	});
});

describe('the deletion form', () => {
	it('asks for the password and the exact phrase (case and spaces forgiven)', () => {
		expect(deleteAccountSchema.safeParse({ password: 'pw', phrase: '  Delete  my ACCOUNT ' }).success).toBe(
			true
		);
		const wrong = deleteAccountSchema.safeParse({ password: 'pw', phrase: 'delete' });
		expect(wrong.success).toBe(false);
		expect(deleteAccountSchema.safeParse({ password: '', phrase: 'delete my account' }).success).toBe(false);
	});
});
