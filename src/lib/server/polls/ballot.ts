// Ballot validation: what a member submitted, checked against the poll, before anything is written.
// Errors are keyed by form field so the page can show each one next to its input.
import type { PollKind } from './tally';

export interface BallotPoll {
	kind: PollKind;
	/** Multiple: most ticks. Ranked: most ranked options (null: all of them). */
	maxChoices: number | null;
	optionIds: readonly number[];
}

/** Single and multiple: the ticked option ids. Ranked: option id → rank as typed ("" = not ranked). */
export type BallotInput = { choices: readonly string[] } | { ranks: Readonly<Record<string, string>> };

export type BallotResult = { ok: true; choices: number[] } | { ok: false; errors: Record<string, string> };

/** The field that carries the rank for an option in the ranked form. */
export const rankField = (optionId: number) => `rank-${optionId}`;

export function maxRanked(poll: BallotPoll): number {
	return Math.min(poll.maxChoices ?? poll.optionIds.length, poll.optionIds.length);
}

export function validateBallot(poll: BallotPoll, input: BallotInput): BallotResult {
	return poll.kind === 'ranked' ? validateRanked(poll, input) : validateTicks(poll, input);
}

function parseId(raw: string): number | null {
	return /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}

function validateTicks(poll: BallotPoll, input: BallotInput): BallotResult {
	const raw = 'choices' in input ? input.choices : [];
	const ids: number[] = [];
	for (const value of raw) {
		const id = parseId(value);
		if (id === null || !poll.optionIds.includes(id))
			return { ok: false, errors: { choice: 'That option is not part of this poll.' } };
		if (!ids.includes(id)) ids.push(id);
	}
	if (ids.length === 0)
		return {
			ok: false,
			errors: { choice: poll.kind === 'single' ? 'Choose an option.' : 'Choose at least one option.' }
		};
	if (poll.kind === 'single' && ids.length > 1)
		return { ok: false, errors: { choice: 'Choose only one option.' } };
	const max = poll.maxChoices ?? poll.optionIds.length;
	if (poll.kind === 'multiple' && ids.length > max)
		return {
			ok: false,
			errors: { choice: `Choose at most ${max} option${max === 1 ? '' : 's'} (you chose ${ids.length}).` }
		};
	// Stored in the poll's option order, so two equal ballots are equal rows.
	return { ok: true, choices: poll.optionIds.filter((id) => ids.includes(id)) };
}

function validateRanked(poll: BallotPoll, input: BallotInput): BallotResult {
	const raw = 'ranks' in input ? input.ranks : {};
	const errors: Record<string, string> = {};
	const max = maxRanked(poll);
	for (const key of Object.keys(raw)) {
		const id = parseId(key);
		if (id === null || !poll.optionIds.includes(id))
			return { ok: false, errors: { ballot: 'That option is not part of this poll.' } };
	}
	const ranked: { id: number; rank: number }[] = [];
	for (const id of poll.optionIds) {
		const value = (raw[String(id)] ?? '').trim();
		if (value === '') continue;
		const rank = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
		if (!Number.isInteger(rank) || rank < 1 || rank > poll.optionIds.length)
			errors[rankField(id)] = `Choose a rank from 1 to ${max}, or leave it unranked.`;
		else if (rank > max) errors[rankField(id)] = `You can rank at most ${max} options: use 1 to ${max}.`;
		else ranked.push({ id, rank });
	}
	if (Object.keys(errors).length) return { ok: false, errors };
	if (ranked.length === 0) return { ok: false, errors: { ballot: 'Give your first choice rank 1.' } };

	const byRank = new Map<number, number[]>();
	for (const r of ranked) byRank.set(r.rank, [...(byRank.get(r.rank) ?? []), r.id]);
	for (const [rank, ids] of byRank) {
		if (ids.length > 1)
			for (const id of ids) errors[rankField(id)] = `Rank ${rank} is given to more than one option.`;
	}
	if (Object.keys(errors).length) return { ok: false, errors };

	if (ranked.length > max)
		return { ok: false, errors: { ballot: `Rank at most ${max} options (you ranked ${ranked.length}).` } };
	for (let rank = 1; rank <= ranked.length; rank++) {
		if (!byRank.has(rank)) {
			return {
				ok: false,
				errors: {
					ballot: `Ranks must run 1, 2, 3… without gaps: nothing is ranked ${rank}.`
				}
			};
		}
	}
	return { ok: true, choices: ranked.sort((a, b) => a.rank - b.rank).map((r) => r.id) };
}
