// Counting ballots. Pure: the database hands over ballots (choices and weight) and gets numbers.
//
// Single and multiple choice: an option's votes are the summed weights of the ballots that chose
// it; its share is of all ballots' weight (on a multiple-choice poll the shares add up past 100 %).
//
// Ranked choice: instant runoff. Each round every ballot counts, with its weight, for its highest
// ranked option still in the count; ballots with none left are "exhausted". An option with more
// than half of the round's counted weight wins. Otherwise the option with the fewest votes is
// eliminated, and the next round starts. When only one option remains, it wins.
//
// Tie-break (elimination): among the options tied on fewest votes, eliminate the one with the
// fewest votes in the round before, then the round before that, back to the first round; if
// they are tied in every round, eliminate the one listed last on the poll. The same rule settles
// a tie between the final two, and the result says the tie-break decided it.

export type PollKind = 'single' | 'multiple' | 'ranked';

export interface CountedBallot {
	/** Option ids: ticked (single/multiple) or in order of preference (ranked). */
	choices: readonly number[];
	weight: number;
}

export interface OptionCount {
	optionId: number;
	votes: number;
	/** Share of the total, in tenths of a percent (integer), so pages round the same way. */
	permille: number;
}

export interface Tally {
	/** Number of ballots and their summed weight. */
	ballots: number;
	totalWeight: number;
	options: OptionCount[];
}

export function permilleOf(part: number, whole: number): number {
	return whole === 0 ? 0 : Math.round((part * 1000) / whole);
}

export function tallyChoices(optionIds: readonly number[], ballots: readonly CountedBallot[]): Tally {
	const votes = new Map(optionIds.map((id) => [id, 0]));
	let totalWeight = 0;
	for (const ballot of ballots) {
		totalWeight += ballot.weight;
		for (const id of new Set(ballot.choices)) {
			if (votes.has(id)) votes.set(id, votes.get(id)! + ballot.weight);
		}
	}
	return {
		ballots: ballots.length,
		totalWeight,
		options: optionIds.map((id) => ({
			optionId: id,
			votes: votes.get(id)!,
			permille: permilleOf(votes.get(id)!, totalWeight)
		}))
	};
}

export type TieBreak = 'earlier_rounds' | 'poll_order';

export interface RunoffRound {
	round: number;
	/** Votes of every option still in the count this round, in poll order. */
	counts: OptionCount[];
	/** Weight of ballots with no option left in the count. */
	exhausted: number;
	/** Weight counted this round (total minus exhausted): the majority is of this. */
	counted: number;
	eliminated: number | null;
	/** Set when a tie on fewest votes decided the elimination. */
	tieBreak: TieBreak | null;
	winner: number | null;
}

export interface RunoffResult {
	ballots: number;
	totalWeight: number;
	rounds: RunoffRound[];
	winner: number | null;
	/** The final two were tied and the tie-break chose. */
	decidedByTieBreak: boolean;
}

export function instantRunoff(optionIds: readonly number[], ballots: readonly CountedBallot[]): RunoffResult {
	const totalWeight = ballots.reduce((sum, b) => sum + b.weight, 0);
	const continuing = new Set(optionIds);
	const rounds: RunoffRound[] = [];
	// Votes per option in each finished round, for the tie-break.
	const history: Map<number, number>[] = [];
	let decidedByTieBreak = false;

	if (optionIds.length === 0 || ballots.length === 0)
		return { ballots: ballots.length, totalWeight, rounds, winner: null, decidedByTieBreak };

	for (let round = 1; ; round++) {
		const votes = new Map([...continuing].map((id) => [id, 0]));
		let exhausted = 0;
		for (const ballot of ballots) {
			const top = ballot.choices.find((id) => continuing.has(id));
			if (top === undefined) exhausted += ballot.weight;
			else votes.set(top, votes.get(top)! + ballot.weight);
		}
		const counted = totalWeight - exhausted;
		const counts = optionIds
			.filter((id) => continuing.has(id))
			.map((id) => ({ optionId: id, votes: votes.get(id)!, permille: permilleOf(votes.get(id)!, counted) }));
		history.push(votes);

		const leader = counts.find((c) => c.votes * 2 > counted);
		if (leader || continuing.size === 1) {
			const winner = leader?.optionId ?? counts[0].optionId;
			rounds.push({ round, counts, exhausted, counted, eliminated: null, tieBreak: null, winner });
			return { ballots: ballots.length, totalWeight, rounds, winner, decidedByTieBreak };
		}

		const { loser, tieBreak } = pickElimination(optionIds, counts, history);
		continuing.delete(loser);
		if (continuing.size === 1 && tieBreak) decidedByTieBreak = true;
		rounds.push({ round, counts, exhausted, counted, eliminated: loser, tieBreak, winner: null });
	}
}

function pickElimination(
	optionIds: readonly number[],
	counts: readonly OptionCount[],
	history: readonly Map<number, number>[]
): { loser: number; tieBreak: TieBreak | null } {
	const fewest = Math.min(...counts.map((c) => c.votes));
	let tied = counts.filter((c) => c.votes === fewest).map((c) => c.optionId);
	if (tied.length === 1) return { loser: tied[0], tieBreak: null };
	// Look back from the previous round to the first.
	for (let r = history.length - 2; r >= 0; r--) {
		const earlier = history[r];
		const least = Math.min(...tied.map((id) => earlier.get(id) ?? 0));
		tied = tied.filter((id) => (earlier.get(id) ?? 0) === least);
		if (tied.length === 1) return { loser: tied[0], tieBreak: 'earlier_rounds' };
	}
	// Still tied: the option listed last on the poll goes.
	const last = [...tied].sort((a, b) => optionIds.indexOf(b) - optionIds.indexOf(a))[0];
	return { loser: last, tieBreak: 'poll_order' };
}
