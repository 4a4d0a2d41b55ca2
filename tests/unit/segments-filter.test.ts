import { describe, expect, it } from 'vitest';
import {
	describeSegment,
	EMPTY_FILTER,
	parseSegmentFilter,
	segmentParams
} from '$lib/server/segments/filter';

describe('segment filters', () => {
	it('reads an empty form as every member', () => {
		const r = parseSegmentFilter(new URLSearchParams(''));
		expect(r).toEqual({ ok: true, filter: EMPTY_FILTER });
		if (r.ok) expect(describeSegment(r.filter, {})).toBe('every member');
	});

	it('reads every filter and round-trips through URL parameters', () => {
		const params = new URLSearchParams(
			'tiers=2&tiers=3&minPoints=100&maxPoints=5000&minEngagements90=3&minTenureDays=30&hasVoted=yes&hasAttended=no'
		);
		const r = parseSegmentFilter(params);
		if (!r.ok) throw new Error('expected ok');
		expect(r.filter).toEqual({
			tiers: [2, 3],
			minPoints: 100,
			maxPoints: 5000,
			minEngagements90: 3,
			minTenureDays: 30,
			hasVoted: 'yes',
			hasAttended: 'no'
		});
		expect(parseSegmentFilter(new URLSearchParams(segmentParams(r.filter)))).toEqual(r);
		expect(describeSegment(r.filter, { 2: 'Insider', 3: 'Patron' })).toBe(
			'tier Insider or Patron, 100–5000 points in 12 months, at least 3 engagements in 90 days, members for 30+ days, has voted in a poll, has never checked in'
		);
	});

	it('refuses nonsense with a message by the field', () => {
		const r = parseSegmentFilter(new URLSearchParams('minPoints=abc&hasVoted=maybe'));
		expect(r.ok).toBe(false);
		if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['hasVoted', 'minPoints']);
		const range = parseSegmentFilter(new URLSearchParams('minPoints=500&maxPoints=100'));
		expect(range).toEqual({
			ok: false,
			errors: { maxPoints: 'The lowest points must not be above the highest.' }
		});
		expect(parseSegmentFilter(new URLSearchParams('minPoints=-1')).ok).toBe(false);
	});
});
