// The feedback forms: the fan's answer, staff tags, the "you said, we did" note and the settings. Pure.
import { z } from 'zod';
import { CANCEL_REASONS, MAX_COMMENT } from './rules';

const optionalText = (max: number, message: string) =>
	z
		.string()
		.max(max, message)
		.optional()
		.transform((v) => (v && v.trim() ? v.trim() : null));

export const answerForm = z.object({
	score: z
		.string()
		.regex(/^\d{1,2}$/, 'Pick a score.')
		.transform(Number)
		.optional(),
	reason: z
		.enum(CANCEL_REASONS.map((r) => r.value) as [string, ...string[]], { message: 'Pick a reason.' })
		.optional(),
	comment: optionalText(MAX_COMMENT, `At most ${MAX_COMMENT} characters, please.`)
});

export const tagForm = z.object({
	id: z
		.string()
		.regex(/^[1-9]\d{0,9}$/, 'Unknown answer.')
		.transform(Number)
		.refine((n) => n <= 2_147_483_647, 'Unknown answer.'),
	tags: z.string().max(300, 'At most 300 characters of tags.').default('')
});

export const noteForm = z.object({
	theme: z.string().trim().min(1, 'Pick a theme (a tag on the answers).').max(30, 'At most 30 characters.'),
	body: z.string().trim().min(10, 'Write at least a sentence.').max(1000, 'At most 1,000 characters.')
});

const intIn = (min: number, max: number, message: string) =>
	z
		.string()
		.regex(/^\d{1,3}$/, message)
		.transform(Number)
		.refine((n) => n >= min && n <= max, message);

export const settingsForm = z.object({
	gapDays: intIn(0, 365, 'A number of days from 0 to 365.'),
	npsGapDays: intIn(30, 730, 'A number of days from 30 to 730.'),
	morningHour: intIn(0, 23, 'An hour from 0 to 23.')
});
