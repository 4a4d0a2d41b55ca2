import { describe, expect, it } from 'vitest';
import {
	DAY_MS,
	mayAnswer,
	mayAsk,
	normaliseTags,
	npsFromCounts,
	npsGroup,
	npsOf,
	satisfactionOf,
	scaleOf
} from '$lib/server/feedback/rules';
import { signFeedbackToken, verifyFeedbackToken } from '$lib/server/feedback/token';
import { answerForm } from '$lib/server/feedback/form';
import { daysDue } from '$lib/server/feedback/due-work';

const now = new Date('2026-12-05T10:00:00Z');
const settings = { gapDays: 7, npsGapDays: 90 };
const fan = { role: 'fan' as const, optedOut: false, lastSentAt: null, lastNpsAt: null };
const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);

describe('who may be asked', () => {
	it('asks a fan who has not been asked', () => {
		expect(mayAsk(fan, 'checkin', settings, now)).toEqual({ ok: true });
	});
	it('never asks staff or admins, nor members who opted out', () => {
		expect(mayAsk({ ...fan, role: 'staff' }, 'checkin', settings, now)).toEqual({ ok: false, why: 'staff' });
		expect(mayAsk({ ...fan, role: 'admin' }, 'nps', settings, now)).toEqual({ ok: false, why: 'staff' });
		expect(mayAsk({ ...fan, optedOut: true }, 'checkin', settings, now)).toEqual({
			ok: false,
			why: 'opted-out'
		});
	});
	it('keeps the house gap between requests (7 days by default, a setting)', () => {
		expect(mayAsk({ ...fan, lastSentAt: ago(6.9) }, 'checkin', settings, now)).toEqual({
			ok: false,
			why: 'too-soon'
		});
		expect(mayAsk({ ...fan, lastSentAt: ago(7) }, 'checkin', settings, now)).toEqual({ ok: true });
		expect(mayAsk({ ...fan, lastSentAt: ago(2) }, 'checkin', { ...settings, gapDays: 0 }, now)).toEqual({
			ok: true
		});
	});
	it('asks the relationship survey at most every 90 days', () => {
		expect(mayAsk({ ...fan, lastSentAt: ago(30), lastNpsAt: ago(89) }, 'nps', settings, now)).toEqual({
			ok: false,
			why: 'nps-too-soon'
		});
		expect(mayAsk({ ...fan, lastSentAt: ago(30), lastNpsAt: ago(89) }, 'checkin', settings, now)).toEqual({
			ok: true
		});
		expect(mayAsk({ ...fan, lastNpsAt: ago(90) }, 'nps', settings, now)).toEqual({ ok: true });
	});
});

describe('answers', () => {
	it('takes a first answer within 30 days of the request', () => {
		expect(mayAnswer({ answers: 0, answeredAt: null, sentAt: ago(29) }, now)).toEqual({
			ok: true,
			replacing: false
		});
		expect(mayAnswer({ answers: 0, answeredAt: null, sentAt: ago(31) }, now)).toEqual({
			ok: false,
			why: 'expired'
		});
	});
	it('replaces the first answer once, within 7 days', () => {
		expect(mayAnswer({ answers: 1, answeredAt: ago(6), sentAt: ago(40) }, now)).toEqual({
			ok: true,
			replacing: true
		});
		expect(mayAnswer({ answers: 1, answeredAt: ago(8), sentAt: ago(9) }, now)).toEqual({
			ok: false,
			why: 'too-late-to-change'
		});
		expect(mayAnswer({ answers: 2, answeredAt: ago(1), sentAt: ago(2) }, now)).toEqual({
			ok: false,
			why: 'already-changed'
		});
	});
	it('has a 0–10 scale for NPS and 1–5 otherwise', () => {
		expect(scaleOf('nps')).toEqual({ min: 0, max: 10 });
		expect(scaleOf('checkin')).toEqual({ min: 1, max: 5 });
	});
	it('parses the answer form: a comment over 2,000 characters is refused', () => {
		expect(answerForm.safeParse({ score: '4', comment: '  fine  ' }).data).toEqual({
			score: 4,
			comment: 'fine'
		});
		expect(answerForm.safeParse({ score: '4', comment: 'x'.repeat(2001) }).success).toBe(false);
		expect(answerForm.safeParse({ score: '999' }).success).toBe(false);
		expect(answerForm.safeParse({ reason: 'bogus' }).success).toBe(false);
		expect(answerForm.safeParse({ reason: 'too_expensive' }).data).toEqual({
			reason: 'too_expensive',
			comment: null
		});
	});
});

describe('NPS arithmetic', () => {
	it('groups 9–10, 7–8 and 0–6', () => {
		expect([0, 6, 7, 8, 9, 10].map(npsGroup)).toEqual([
			'detractor',
			'detractor',
			'passive',
			'passive',
			'promoter',
			'promoter'
		]);
	});
	it('is % promoters minus % detractors, rounded', () => {
		expect(npsOf([10, 9, 8, 3])).toEqual({ responses: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
		expect(npsOf([0, 0, 10])).toMatchObject({ nps: -33 });
		expect(npsOf([])).toMatchObject({ responses: 0, nps: null });
		expect(npsFromCounts(1, 0, 8)).toBe(13); // 12.5 rounds away from zero
		expect(npsFromCounts(0, 1, 8)).toBe(-13);
	});
	it('averages satisfaction to one decimal', () => {
		expect(satisfactionOf([5, 4, 4])).toBe(4.3);
		expect(satisfactionOf([])).toBeNull();
	});
	it('normalises staff tags', () => {
		expect(normaliseTags(' Sound , sound,Bar queue ,, ')).toEqual(['sound', 'bar-queue']);
	});
});

describe('the signed link', () => {
	const secret = 'k'.repeat(43);
	const later = new Date(now.getTime() + 37 * DAY_MS);
	it('names the request and verifies', () => {
		const token = signFeedbackToken(secret, 42, later);
		expect(token).toMatch(/^[\w.~-]{1,512}$/);
		expect(verifyFeedbackToken(secret, token, now)).toMatchObject({ ok: true, requestId: 42 });
	});
	it('refuses a forged, altered or expired token', () => {
		const token = signFeedbackToken(secret, 42, later);
		expect(verifyFeedbackToken('x'.repeat(43), token, now)).toEqual({ ok: false, why: 'forged' });
		const other = token.replace(/^[^-]+/, (43).toString(36));
		expect(verifyFeedbackToken(secret, other, now)).toEqual({ ok: false, why: 'forged' });
		expect(verifyFeedbackToken(secret, 'nonsense', now)).toEqual({ ok: false, why: 'forged' });
		expect(verifyFeedbackToken(secret, token, new Date(later.getTime() + 1000))).toEqual({
			ok: false,
			why: 'expired'
		});
	});
});

describe('the morning after', () => {
	it('asks about yesterday from the house morning on, and the day before as catch-up', () => {
		// 10:00 in Brussels is 09:00 UTC in December.
		expect(daysDue(new Date('2026-12-05T08:59:00Z'), 'Europe/Brussels', 10)).toEqual(['2026-12-03']);
		expect(daysDue(new Date('2026-12-05T09:00:00Z'), 'Europe/Brussels', 10)).toEqual([
			'2026-12-04',
			'2026-12-03'
		]);
	});
});
