import { describe, expect, it } from 'vitest';
import { instantRunoff, tallyChoices, type CountedBallot } from '$lib/server/polls/tally';

const times = (n: number, choices: number[], weight = 1): CountedBallot[] =>
	Array.from({ length: n }, () => ({ choices, weight }));

describe('single and multiple choice tallies', () => {
	it('counts single-choice ballots with shares in tenths of a percent', () => {
		const t = tallyChoices([1, 2, 3], [...times(3, [1]), ...times(1, [2])]);
		expect(t).toEqual({
			ballots: 4,
			totalWeight: 4,
			options: [
				{ optionId: 1, votes: 3, permille: 750 },
				{ optionId: 2, votes: 1, permille: 250 },
				{ optionId: 3, votes: 0, permille: 0 }
			]
		});
	});

	it('counts each ticked option on a multiple-choice ballot; shares are of ballots', () => {
		const t = tallyChoices(
			[1, 2, 3],
			[
				{ choices: [1, 2], weight: 1 },
				{ choices: [2, 3], weight: 1 }
			]
		);
		expect(t.options.map((o) => [o.votes, o.permille])).toEqual([
			[1, 500],
			[2, 1000],
			[1, 500]
		]);
	});

	it('weights ballots by tier', () => {
		// Three listeners (weight 1) for option 1, two patrons (weight 3) for option 2: 3 against 6.
		const t = tallyChoices([1, 2], [...times(3, [1], 1), ...times(2, [2], 3)]);
		expect(t.ballots).toBe(5);
		expect(t.totalWeight).toBe(9);
		expect(t.options).toEqual([
			{ optionId: 1, votes: 3, permille: 333 },
			{ optionId: 2, votes: 6, permille: 667 }
		]);
	});

	it('ignores options that are not on the poll and counts duplicates once', () => {
		const t = tallyChoices([1, 2], [{ choices: [1, 1, 9], weight: 1 }]);
		expect(t.options[0].votes).toBe(1);
		expect(t.options).toHaveLength(2);
	});

	it('has zero shares for an empty poll', () => {
		expect(tallyChoices([1, 2], []).options.every((o) => o.permille === 0)).toBe(true);
	});
});

describe('instant runoff', () => {
	it('elects a first-round majority in one round', () => {
		const r = instantRunoff([1, 2], [...times(3, [1, 2]), ...times(2, [2, 1])]);
		expect(r.winner).toBe(1);
		expect(r.rounds).toHaveLength(1);
		expect(r.rounds[0]).toMatchObject({ counted: 5, eliminated: null, winner: 1 });
	});

	it('transfers votes round by round, breaking a tie by the earlier round (worked example)', () => {
		// A=1 B=2 C=3 D=4; 10 ballots.
		// Round 1: A4 B3 C2 D1, no majority (>5): D goes.
		// Round 2: D's ballot moves to C: A4 B3 C3. B and C tie; in round 1 C had fewer: C goes.
		// Round 3: [C,B] ballots move to B; [D,C] has nothing left (exhausted 1). B5 A4 of 9: B wins.
		const ballots = [...times(4, [1, 2]), ...times(3, [2, 3]), ...times(2, [3, 2]), ...times(1, [4, 3])];
		const r = instantRunoff([1, 2, 3, 4], ballots);
		expect(r.rounds.map((x) => Object.fromEntries(x.counts.map((c) => [c.optionId, c.votes])))).toEqual([
			{ 1: 4, 2: 3, 3: 2, 4: 1 },
			{ 1: 4, 2: 3, 3: 3 },
			{ 1: 4, 2: 5 }
		]);
		expect(r.rounds.map((x) => x.eliminated)).toEqual([4, 3, null]);
		expect(r.rounds.map((x) => x.tieBreak)).toEqual([null, 'earlier_rounds', null]);
		expect(r.rounds[2]).toMatchObject({ exhausted: 1, counted: 9, winner: 2 });
		expect(r.winner).toBe(2);
		expect(r.decidedByTieBreak).toBe(false);
	});

	it('breaks a tie with no earlier round by eliminating the option listed last', () => {
		// Round 1: 1→2, 2→1, 3→1 of 4: no majority; 2 and 3 tie with no history: 3 (listed last) goes.
		// Round 2: 1→2, 2→1, [3] exhausted: 2 of 3 counted is a majority.
		const r = instantRunoff([1, 2, 3], [...times(2, [1]), ...times(1, [2]), ...times(1, [3])]);
		expect(r.rounds[0]).toMatchObject({ eliminated: 3, tieBreak: 'poll_order' });
		expect(r.rounds[1]).toMatchObject({ exhausted: 1, counted: 3, winner: 1 });
		expect(r.winner).toBe(1);
	});

	it('settles a tied final two by the tie-break and says so', () => {
		const r = instantRunoff(
			[1, 2],
			[
				{ choices: [1], weight: 1 },
				{ choices: [2], weight: 1 }
			]
		);
		expect(r.rounds[0]).toMatchObject({ eliminated: 2, tieBreak: 'poll_order' });
		expect(r.winner).toBe(1);
		expect(r.decidedByTieBreak).toBe(true);
	});

	it('counts weights in every round', () => {
		// 1: three weight-1 ballots; 2: one weight-2 ballot then 3; 3: one weight-2 ballot.
		// Round 1: 1→3, 2→2, 3→2 of 7; 2 and 3 tie, no history: 3 (last) goes.
		// Round 2: 3's ballot [3,2] moves to 2: 1→3, 2→4 of 7: 2 wins.
		const r = instantRunoff(
			[1, 2, 3],
			[...times(3, [1]), { choices: [2, 3], weight: 2 }, { choices: [3, 2], weight: 2 }]
		);
		expect(r.totalWeight).toBe(7);
		expect(r.rounds[1].counts.map((c) => c.votes)).toEqual([3, 4]);
		expect(r.winner).toBe(2);
	});

	it('has no winner and no rounds without ballots', () => {
		expect(instantRunoff([1, 2], [])).toMatchObject({ winner: null, rounds: [] });
	});
});
