// The few words that say why an item is on a member's home, on plain values and the house's clock.
import { describe, expect, it } from 'vitest';
import {
	audienceOf,
	drawReason,
	dropReason,
	invitationReason,
	listWords,
	pollReason,
	presaleReason,
	whenWords
} from '$lib/server/home/reasons';

const ZONE = 'Europe/Brussels';
// Wednesday 6 May 2026, 10:00 in Brussels.
const NOW = new Date('2026-05-06T08:00:00Z');
const H = 3_600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * H);
const LADDER = [
	{ rank: 0, name: 'Fan' },
	{ rank: 1, name: 'Insider' },
	{ rank: 2, name: 'Patron' },
	{ rank: 3, name: 'Inner Circle' }
];

describe('whenWords', () => {
	it('says today, tomorrow, a weekday within the week, else the date, on the house clock', () => {
		expect(whenWords(at(2), NOW, ZONE)).toBe('today');
		// 23:30 UTC on the 6th is already the 7th in Brussels.
		expect(whenWords(new Date('2026-05-06T22:30:00Z'), NOW, ZONE)).toBe('tomorrow');
		expect(whenWords(at(48), NOW, ZONE)).toBe('on Friday');
		expect(whenWords(at(24 * 10), NOW, ZONE)).toBe('on 16 May');
		expect(whenWords(at(-24 * 3), NOW, ZONE)).toBe('on 3 May');
	});
});

describe('dropReason', () => {
	const base = {
		publishAt: at(-5),
		openedAt: at(-5),
		minRank: 0,
		rankBefore: null,
		tierName: null,
		windowTierName: null
	};
	it('names the tier-up that unlocked it', () => {
		expect(dropReason({ ...base, minRank: 2, rankBefore: 1, tierName: 'Patron' }, NOW, ZONE)).toBe(
			'Unlocked when you reached Patron'
		);
	});
	it('does not credit a tier-up the drop did not need', () => {
		expect(dropReason({ ...base, minRank: 1, rankBefore: 1, tierName: 'Patron' }, NOW, ZONE)).toBe(
			'New today'
		);
	});
	it('names the early-access window that opened', () => {
		expect(
			dropReason({ ...base, publishAt: at(-30), openedAt: at(-2), windowTierName: 'Insider' }, NOW, ZONE)
		).toBe('Early access for Insider opened today');
	});
	it('says others wait while the member’s early window is open', () => {
		expect(dropReason({ ...base, windowTierName: 'Patron', generalAt: at(24 * 7) }, NOW, ZONE)).toBe(
			'Early access for Patron · others wait until 13 May'
		);
	});
	it('counts what they opened of the same kind', () => {
		expect(dropReason({ ...base, tagAffinity: { tag: 'live recording', opened: 6, of: 8 } }, NOW, ZONE)).toBe(
			'Because you opened 6 of the last 8 live recording drops'
		);
	});
});

describe('your turn', () => {
	it('polls: who may vote and when it closes', () => {
		expect(pollReason({ closesAt: at(30), eligibleTierNames: [] }, NOW, ZONE)).toBe(
			'You have not voted yet · closes tomorrow'
		);
		expect(pollReason({ closesAt: at(50), eligibleTierNames: ['Patron', 'Inner Circle'] }, NOW, ZONE)).toBe(
			'Open to Patron and Inner Circle · closes on Friday'
		);
	});
	it('presales: opening for the audience on a house-time date, or open until', () => {
		expect(
			presaleReason(
				{ opensAt: at(48), closesAt: at(72), audience: 'Patron and up', mode: 'first_come' },
				NOW,
				ZONE
			)
		).toBe('Opens for Patron and up on Friday, Fri 8 May, 10:00');
		expect(
			presaleReason({ opensAt: at(-1), closesAt: at(9), audience: 'Patron', mode: 'draw' }, NOW, ZONE)
		).toBe('Enter the draw until Wed 6 May, 19:00');
	});
	it('invitations and draw confirmations give their deadline', () => {
		expect(invitationReason(at(24 * 7), NOW, ZONE)).toBe('Staff invited you · answer by 13 May');
		expect(drawReason(at(26), NOW, ZONE)).toBe('You won seats in the draw · confirm by Thu 7 May, 12:00');
	});
});

describe('words', () => {
	it('lists names and audiences', () => {
		expect(listWords(['A'])).toBe('A');
		expect(listWords(['A', 'B', 'C'])).toBe('A, B and C');
		expect(audienceOf(LADDER, 0)).toBe('every member');
		expect(audienceOf(LADDER, 2)).toBe('Patron and up');
		expect(audienceOf(LADDER, 3)).toBe('Inner Circle');
		expect(audienceOf(LADDER, 9)).toBe('members');
	});
});
