import { describe, expect, it } from 'vitest';
import { validateBallot, type BallotPoll } from '$lib/server/polls/ballot';
import { ballotWeight, canSeeResults, isEligible, pollPhase } from '$lib/server/polls/rules';

const single: BallotPoll = { kind: 'single', maxChoices: null, optionIds: [10, 11, 12] };
const multiple: BallotPoll = { kind: 'multiple', maxChoices: 2, optionIds: [10, 11, 12] };
const ranked: BallotPoll = { kind: 'ranked', maxChoices: null, optionIds: [10, 11, 12, 13] };

describe('single and multiple choice ballots', () => {
	it('accepts one option on a single-choice poll', () => {
		expect(validateBallot(single, { choices: ['11'] })).toEqual({ ok: true, choices: [11] });
	});

	it('refuses no choice, two choices, and another poll’s option', () => {
		expect(validateBallot(single, { choices: [] })).toEqual({
			ok: false,
			errors: { choice: 'Choose an option.' }
		});
		expect(validateBallot(single, { choices: ['10', '11'] })).toMatchObject({ ok: false });
		expect(validateBallot(single, { choices: ['99'] })).toEqual({
			ok: false,
			errors: { choice: 'That option is not part of this poll.' }
		});
		expect(validateBallot(single, { choices: ['1x'] })).toMatchObject({ ok: false });
	});

	it('keeps to the maximum on a multiple-choice poll, storing choices in poll order', () => {
		expect(validateBallot(multiple, { choices: ['12', '10'] })).toEqual({ ok: true, choices: [10, 12] });
		expect(validateBallot(multiple, { choices: ['10', '11', '12'] })).toEqual({
			ok: false,
			errors: { choice: 'Choose at most 2 options (you chose 3).' }
		});
	});
});

describe('ranked ballots', () => {
	it('orders options by rank and leaves unranked ones out', () => {
		expect(validateBallot(ranked, { ranks: { '10': '2', '11': '', '12': '1', '13': '3' } })).toEqual({
			ok: true,
			choices: [12, 10, 13]
		});
	});

	it('marks each option that shares a rank', () => {
		expect(validateBallot(ranked, { ranks: { '10': '1', '11': '2', '12': '2' } })).toEqual({
			ok: false,
			errors: {
				'rank-11': 'Rank 2 is given to more than one option.',
				'rank-12': 'Rank 2 is given to more than one option.'
			}
		});
	});

	it('refuses gaps and an empty ballot', () => {
		expect(validateBallot(ranked, { ranks: { '10': '1', '11': '3' } })).toEqual({
			ok: false,
			errors: { ballot: 'Ranks must run 1, 2, 3… without gaps: nothing is ranked 2.' }
		});
		expect(validateBallot(ranked, { ranks: { '10': '' } })).toEqual({
			ok: false,
			errors: { ballot: 'Give your first choice rank 1.' }
		});
	});

	it('refuses ranks beyond the poll’s maximum and nonsense ranks', () => {
		const top2: BallotPoll = { ...ranked, maxChoices: 2 };
		expect(validateBallot(top2, { ranks: { '10': '1', '11': '2', '12': '3' } })).toEqual({
			ok: false,
			errors: { 'rank-12': 'You can rank at most 2 options: use 1 to 2.' }
		});
		expect(validateBallot(ranked, { ranks: { '10': '0' } })).toMatchObject({
			ok: false,
			errors: { 'rank-10': expect.stringContaining('from 1 to 4') }
		});
		expect(validateBallot(ranked, { ranks: { '77': '1' } })).toEqual({
			ok: false,
			errors: { ballot: 'That option is not part of this poll.' }
		});
	});
});

describe('poll rules', () => {
	const poll = {
		opensAt: new Date('2026-05-01T10:00:00Z'),
		closesAt: new Date('2026-05-08T10:00:00Z'),
		eligibleRanks: [2, 3],
		tierWeights: { '3': 3 },
		resultsVisibility: 'after_vote' as const
	};

	it('knows when a poll is upcoming, open and closed', () => {
		expect(pollPhase(poll, new Date('2026-05-01T09:59:59Z'))).toBe('upcoming');
		expect(pollPhase(poll, new Date('2026-05-01T10:00:00Z'))).toBe('open');
		expect(pollPhase(poll, new Date('2026-05-08T10:00:00Z'))).toBe('closed');
	});

	it('lets eligible tiers vote and weighs their ballots', () => {
		expect(isEligible(poll, 2)).toBe(true);
		expect(isEligible(poll, 1)).toBe(false);
		expect(isEligible({ eligibleRanks: [] }, 0)).toBe(true);
		expect(ballotWeight(poll, 3)).toBe(3);
		expect(ballotWeight(poll, 2)).toBe(1);
		expect(ballotWeight({ tierWeights: null }, 4)).toBe(1);
	});

	it('shows results per the visibility rule; staff always', () => {
		const open = new Date('2026-05-02T00:00:00Z');
		const closed = new Date('2026-05-09T00:00:00Z');
		const fan = { isStaff: false, hasVoted: false };
		const voter = { isStaff: false, hasVoted: true };
		expect(canSeeResults(poll, fan, open)).toBe(false);
		expect(canSeeResults(poll, voter, open)).toBe(true);
		expect(canSeeResults(poll, fan, closed)).toBe(true);
		const afterClose = { ...poll, resultsVisibility: 'after_close' as const };
		expect(canSeeResults(afterClose, voter, open)).toBe(false);
		expect(canSeeResults(afterClose, fan, closed)).toBe(true);
		const staffOnly = { ...poll, resultsVisibility: 'staff_only' as const };
		expect(canSeeResults(staffOnly, voter, closed)).toBe(false);
		expect(canSeeResults(staffOnly, { isStaff: true, hasVoted: false }, open)).toBe(true);
	});
});
