// The staff poll form: raw fields in, a poll to create (or messages per field) out. Pure.
import { parseWallClock } from '../house-time';
import type { PollKind } from './tally';

export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 20;
export const MAX_WEIGHT = 10;

export interface NewPollOption {
	label: string;
	imageUrl: string | null;
}

export interface NewPoll {
	question: string;
	description: string;
	imageUrl: string | null;
	kind: PollKind;
	maxChoices: number | null;
	options: NewPollOption[];
	eligibleRanks: number[];
	opensAt: Date;
	closesAt: Date;
	resultsVisibility: 'after_vote' | 'after_close' | 'staff_only';
	tierWeights: Record<string, number> | null;
	allowChange: boolean;
}

export type PollFormFields = Record<string, string | string[]>;

const one = (f: PollFormFields, key: string) => {
	const v = f[key];
	return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
};
const many = (f: PollFormFields, key: string) => {
	const v = f[key];
	return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** Only http(s) links: an image URL ends up in an <img src>. */
export function imageUrlProblem(url: string): string | null {
	if (url === '') return null;
	if (url.length > 500) return 'Keep the image link under 500 characters.';
	try {
		const u = new URL(url);
		return u.protocol === 'https:' || u.protocol === 'http:' ? null : 'Use an http(s) link to an image.';
	} catch {
		return 'Use a full link, like https://example.com/image.jpg.';
	}
}

/**
 * Options: one per line, "Label" or "Label | https://image". Eligible tiers: `eligible` checkboxes
 * holding ranks (none = everyone). Weights: `weight-<rank>` when `weighted` is ticked.
 */
export function parsePollForm(
	f: PollFormFields,
	ranks: readonly number[],
	timeZone: string
): { ok: true; poll: NewPoll } | { ok: false; errors: Record<string, string> } {
	const errors: Record<string, string> = {};

	const question = one(f, 'question');
	if (question.length < 5) errors.question = 'Ask a question of at least 5 characters.';
	else if (question.length > 200) errors.question = 'Keep the question under 200 characters.';
	const description = one(f, 'description');
	if (description.length > 2000) errors.description = 'Keep the description under 2,000 characters.';
	const imageUrl = one(f, 'imageUrl');
	const imageProblem = imageUrlProblem(imageUrl);
	if (imageProblem) errors.imageUrl = imageProblem;

	const kind = one(f, 'kind');
	if (kind !== 'single' && kind !== 'multiple' && kind !== 'ranked') errors.kind = 'Choose the kind of poll.';

	const options: NewPollOption[] = [];
	const lines = one(f, 'options')
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
	for (const line of lines) {
		const [label, url = ''] = line.split('|').map((s) => s.trim());
		if (!label || label.length > 120) {
			errors.options = 'Each option needs a label of at most 120 characters.';
			break;
		}
		const problem = imageUrlProblem(url);
		if (problem) {
			errors.options = `“${label}”: ${problem}`;
			break;
		}
		options.push({ label, imageUrl: url || null });
	}
	if (!errors.options) {
		if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS)
			errors.options = `Give ${MIN_OPTIONS} to ${MAX_OPTIONS} options, one per line (you gave ${options.length}).`;
		else if (new Set(options.map((o) => o.label.toLowerCase())).size !== options.length)
			errors.options = 'Two options have the same label.';
	}

	let maxChoices: number | null = null;
	const rawMax = one(f, 'maxChoices');
	if (kind === 'multiple' || kind === 'ranked') {
		if (rawMax !== '') {
			const n = Number(rawMax);
			if (!Number.isInteger(n) || n < 1 || n > MAX_OPTIONS)
				errors.maxChoices = 'Use a whole number from 1, or leave it empty for no limit.';
			else if (options.length >= MIN_OPTIONS && n > options.length)
				errors.maxChoices = `There are only ${options.length} options.`;
			else maxChoices = n;
		}
	}

	const eligibleRanks: number[] = [];
	for (const raw of many(f, 'eligible')) {
		const n = Number(raw);
		if (!ranks.includes(n)) errors.eligible = 'Choose tiers from the list.';
		else if (!eligibleRanks.includes(n)) eligibleRanks.push(n);
	}
	eligibleRanks.sort((a, b) => a - b);

	const opens = parseWallClock(one(f, 'opensAt'), timeZone, 'Give the date and time the poll opens.');
	const closes = parseWallClock(one(f, 'closesAt'), timeZone, 'Give the date and time the poll closes.');
	const opensAt = opens.ok ? opens.at : null;
	const closesAt = closes.ok ? closes.at : null;
	if (!opens.ok) errors.opensAt = opens.message;
	if (!closes.ok) errors.closesAt = closes.message;
	else if (opensAt && closes.at <= opensAt) errors.closesAt = 'The poll must close after it opens.';

	const visibility = one(f, 'resultsVisibility');
	if (visibility !== 'after_vote' && visibility !== 'after_close' && visibility !== 'staff_only')
		errors.resultsVisibility = 'Choose when fans see the results.';

	let tierWeights: Record<string, number> | null = null;
	if (one(f, 'weighted') === 'on') {
		tierWeights = {};
		for (const rank of ranks) {
			const raw = one(f, `weight-${rank}`);
			if (raw === '') continue;
			const n = Number(raw);
			if (!Number.isInteger(n) || n < 1 || n > MAX_WEIGHT) {
				errors[`weight-${rank}`] = `Use a whole number from 1 to ${MAX_WEIGHT}.`;
				continue;
			}
			tierWeights[String(rank)] = n;
		}
	}

	if (Object.keys(errors).length) return { ok: false, errors };
	return {
		ok: true,
		poll: {
			question,
			description,
			imageUrl: imageUrl || null,
			kind: kind as PollKind,
			maxChoices,
			options,
			eligibleRanks,
			opensAt: opensAt!,
			closesAt: closesAt!,
			resultsVisibility: visibility as NewPoll['resultsVisibility'],
			tierWeights,
			allowChange: one(f, 'allowChange') === 'on'
		}
	};
}

/** FormData as the parser wants it: repeated keys become lists. */
export function fieldsOf(form: FormData): PollFormFields {
	const fields: PollFormFields = {};
	for (const [key, value] of form) {
		if (typeof value !== 'string') continue;
		const prev = fields[key];
		fields[key] = prev === undefined ? value : ([] as string[]).concat(prev, value);
	}
	return fields;
}
