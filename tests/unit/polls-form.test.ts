import { describe, expect, it } from 'vitest';
import { wallClockToInstant } from '$lib/server/house-time';
import { parsePollForm } from '$lib/server/polls/form';
import { wallClock } from '$lib/time';

/** The instant, or null when the wall clock is refused. */
const toInstant = (local: string, zone: string) => {
	const r = wallClockToInstant(local, zone);
	return r.ok ? r.at : null;
};

const ZONE = 'Europe/Brussels';
const RANKS = [0, 1, 2, 3, 4];

const valid = {
	question: 'Which song closes the show?',
	kind: 'ranked',
	options: 'Lanterns\nTram Depot | https://example.com/tram.jpg\n\nOwl Song',
	opensAt: '2026-05-01T10:00',
	closesAt: '2026-05-08T10:00',
	resultsVisibility: 'after_close'
};

describe('house time', () => {
	it('reads wall-clock times in the house zone, summer and winter', () => {
		expect(toInstant('2026-07-01T20:00', ZONE)?.toISOString()).toBe('2026-07-01T18:00:00.000Z');
		expect(toInstant('2026-01-15T20:00', ZONE)?.toISOString()).toBe('2026-01-15T19:00:00.000Z');
		expect(wallClock(new Date('2026-07-01T18:00:00Z'), ZONE)).toBe('2026-07-01T20:00');
		expect(toInstant('tomorrow', ZONE)).toBeNull();
	});
});

describe('the staff poll form', () => {
	it('reads a full poll: options with images, tiers, weights', () => {
		const r = parsePollForm(
			{ ...valid, maxChoices: '2', eligible: ['3', '4'], weighted: 'on', 'weight-4': '3', allowChange: 'on' },
			RANKS,
			ZONE
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.poll).toMatchObject({
			kind: 'ranked',
			maxChoices: 2,
			eligibleRanks: [3, 4],
			tierWeights: { '4': 3 },
			allowChange: true,
			resultsVisibility: 'after_close',
			options: [
				{ label: 'Lanterns', imageUrl: null },
				{ label: 'Tram Depot', imageUrl: 'https://example.com/tram.jpg' },
				{ label: 'Owl Song', imageUrl: null }
			]
		});
		expect(r.poll.opensAt.toISOString()).toBe('2026-05-01T08:00:00.000Z');
	});

	it('says what is wrong, field by field', () => {
		const r = parsePollForm(
			{
				question: 'Hm',
				kind: 'multiple',
				options: 'Only one | javascript:alert(1)',
				opensAt: '2026-05-08T10:00',
				closesAt: '2026-05-01T10:00',
				resultsVisibility: 'everyone',
				eligible: '9',
				weighted: 'on',
				'weight-2': '11'
			},
			RANKS,
			ZONE
		);
		expect(r).toEqual({
			ok: false,
			errors: {
				question: 'Ask a question of at least 5 characters.',
				options: '“Only one”: Use an http(s) link to an image.',
				eligible: 'Choose tiers from the list.',
				closesAt: 'The poll must close after it opens.',
				resultsVisibility: 'Choose when fans see the results.',
				'weight-2': 'Use a whole number from 1 to 10.'
			}
		});
	});

	it('needs 2 to 20 distinct options and a sensible maximum', () => {
		expect(parsePollForm({ ...valid, options: 'A' }, RANKS, ZONE)).toMatchObject({
			errors: { options: 'Give 2 to 20 options, one per line (you gave 1).' }
		});
		expect(parsePollForm({ ...valid, options: 'A\na' }, RANKS, ZONE)).toMatchObject({
			errors: { options: 'Two options have the same label.' }
		});
		const many = Array.from({ length: 21 }, (_, i) => `Option ${i}`).join('\n');
		expect(parsePollForm({ ...valid, options: many }, RANKS, ZONE).ok).toBe(false);
		expect(parsePollForm({ ...valid, maxChoices: '4' }, RANKS, ZONE)).toMatchObject({
			errors: { maxChoices: 'There are only 3 options.' }
		});
	});
});
