import { describe, expect, it } from 'vitest';
import { birthdayProblem, daysIn } from '$lib/birthday';
import { fill, renderMoment, wordingProblems } from '$lib/server/notifications/moments/catalogue';
import { calendarDay, lapseWarningDue } from '$lib/server/moments/scheduled';
import { channelsFor, kindInfo, retryDelayMs, type Recipient } from '$lib/server/notifications/kinds';
import { parseSubscription } from '$lib/server/notifications/push';

const recipient = (overrides: Partial<Recipient> = {}): Recipient => ({
	emailVerified: true,
	consentMarketing: false,
	hasPushDevice: true,
	choices: new Map(),
	...overrides
});

describe('channelsFor', () => {
	it('follows the defaults, then the member’s own choices', () => {
		expect(channelsFor(recipient(), 'tier_up')).toEqual(['email', 'push']);
		expect(channelsFor(recipient(), 'first_vote')).toEqual(['push']);
		expect(channelsFor(recipient({ choices: new Map([['tier_up:email', false]]) }), 'tier_up')).toEqual([
			'push'
		]);
		expect(channelsFor(recipient({ choices: new Map([['first_vote:email', true]]) }), 'first_vote')).toEqual([
			'email',
			'push'
		]);
	});

	it('never emails marketing without consent, nor an unverified address; push needs a device', () => {
		const wantsDropEmails = new Map([['drop_published:email', true]]);
		expect(channelsFor(recipient({ choices: wantsDropEmails }), 'drop_published')).toEqual(['push']);
		expect(
			channelsFor(recipient({ choices: wantsDropEmails, consentMarketing: true }), 'drop_published')
		).toEqual(['email', 'push']);
		expect(channelsFor(recipient({ emailVerified: false }), 'tier_up')).toEqual(['push']);
		expect(channelsFor(recipient({ hasPushDevice: false }), 'tier_up')).toEqual(['email']);
	});

	it('a kind outside the catalogue reaches devices, not email', () => {
		expect(kindInfo('something_new').defaults).toEqual({ email: false, push: true });
		expect(channelsFor(recipient(), 'something_new')).toEqual(['push']);
	});

	it('backs off 1, 5, 25, 125 minutes', () => {
		expect([1, 2, 3, 4].map((n) => retryDelayMs(n) / 60_000)).toEqual([1, 5, 25, 125]);
	});
});

describe('moments wording', () => {
	it('fills placeholders and leaves out unknown ones', () => {
		expect(fill('Hi {name}, welcome to {house}', { name: 'Mara', house: 'The Night Owls' })).toBe(
			'Hi Mara, welcome to The Night Owls'
		);
		expect(fill('Hi {name} {nope}!', { name: 'Mara' })).toBe('Hi Mara !');
	});

	it('uses the staff wording when set, the built-in one otherwise, nothing when switched off', () => {
		const vars = { tier: 'Insider', unlocked: 'presales' };
		expect(renderMoment('tier_up', vars)).toEqual({
			title: 'You reached Insider!',
			body: 'Now unlocked: presales.'
		});
		expect(
			renderMoment('tier_up', vars, { enabled: true, title: 'Welcome to {tier} 🎉', body: null })
		).toEqual({
			title: 'Welcome to Insider 🎉',
			body: 'Now unlocked: presales.'
		});
		expect(renderMoment('tier_up', vars, { enabled: false, title: null, body: null })).toBeNull();
	});

	it('names placeholders a moment does not have', () => {
		expect(wordingProblems('tier_up', 'You reached {tier}')).toEqual([]);
		expect(wordingProblems('tier_up', 'Happy {years}, {years}')).toEqual([
			'{years} is not available here. Use {name}, {tier}, {unlocked}.'
		]);
	});
});

describe('calendar moments', () => {
	it('warns 30 days ahead, then 7', () => {
		expect([45, 31, 30, 8, 7, 1, 0].map(lapseWarningDue)).toEqual([null, null, 30, 30, 7, 7, null]);
	});

	it('reads the day in the house time zone, and knows 28 February of a common year', () => {
		expect(calendarDay(new Date('2027-02-28T23:30:00Z'), 'Europe/Brussels')).toEqual({
			year: 2027,
			month: 3,
			day: 1,
			feb28Common: false
		});
		expect(calendarDay(new Date('2027-02-28T12:00:00Z'), 'Europe/Brussels').feb28Common).toBe(true);
		expect(calendarDay(new Date('2028-02-28T12:00:00Z'), 'Europe/Brussels').feb28Common).toBe(false);
	});

	it('accepts a real birthday or none, and says which field is wrong', () => {
		expect(birthdayProblem(null, null)).toBeNull();
		expect(birthdayProblem(2, 29)).toBeNull();
		expect(birthdayProblem(4, 31)).toEqual({ field: 'day', message: 'Choose a day from 1 to 30 for April.' });
		expect(birthdayProblem(null, 3)?.field).toBe('month');
		expect(birthdayProblem(13, 1)?.field).toBe('month');
		expect(daysIn(2)).toBe(29);
	});
});

describe('parseSubscription', () => {
	const good = { endpoint: 'https://push.example/abc', keys: { p256dh: 'BExampleKey_-', auth: 'c2VjcmV0' } };
	it('takes a browser PushSubscription and nothing else', () => {
		expect(parseSubscription(good)).toEqual(good);
		expect(parseSubscription(null)).toBeNull();
		expect(parseSubscription({ ...good, endpoint: 'not a url' })).toBeNull();
		expect(parseSubscription({ ...good, endpoint: 'javascript:alert(1)' })).toBeNull();
		expect(parseSubscription({ ...good, keys: { p256dh: 'has spaces', auth: 'x' } })).toBeNull();
		expect(parseSubscription({ endpoint: good.endpoint })).toBeNull();
	});
});
