// A segment of members described by a filter object: validated here (pure), turned into SQL by
// ./query. Staff build it on /staff/board; the insights pages can reuse both halves.
import { z } from 'zod';

const tri = z.enum(['any', 'yes', 'no']).default('any');
const count = (max: number) =>
	z.preprocess(
		(v) => (v === '' || v === undefined ? null : v),
		z.coerce
			.number('Use a whole number.')
			.int('Use a whole number.')
			.min(0, 'Use 0 or more.')
			.max(max, `Use at most ${max}.`)
			.nullable()
	);

export const segmentFilterSchema = z
	.object({
		/** Tier ranks (none: every tier). */
		tiers: z.array(z.coerce.number().int().min(0).max(100)).default([]),
		minPoints: count(10_000_000),
		maxPoints: count(10_000_000),
		/** Engagements of any kind in the last 90 days, at least. */
		minEngagements90: count(100_000),
		/** Member for at least this many days. */
		minTenureDays: count(36_500),
		hasVoted: tri,
		hasAttended: tri
	})
	.refine((f) => f.minPoints === null || f.maxPoints === null || f.minPoints <= f.maxPoints, {
		message: 'The lowest points must not be above the highest.',
		path: ['maxPoints']
	});

export type SegmentFilter = z.output<typeof segmentFilterSchema>;

export const EMPTY_FILTER: SegmentFilter = {
	tiers: [],
	minPoints: null,
	maxPoints: null,
	minEngagements90: null,
	minTenureDays: null,
	hasVoted: 'any',
	hasAttended: 'any'
};

export const FILTER_FIELDS = [
	'tiers',
	'minPoints',
	'maxPoints',
	'minEngagements90',
	'minTenureDays',
	'hasVoted',
	'hasAttended'
] as const;

/** Reads a filter from form fields or URL parameters (`tiers` repeated). */
export function parseSegmentFilter(
	params: URLSearchParams | FormData
): { ok: true; filter: SegmentFilter } | { ok: false; errors: Record<string, string> } {
	const raw: Record<string, unknown> = {};
	for (const key of FILTER_FIELDS) {
		const values = params.getAll(key).filter((v): v is string => typeof v === 'string');
		if (key === 'tiers') raw[key] = values;
		else if (values.length) raw[key] = values[0].trim();
	}
	const result = segmentFilterSchema.safeParse(raw);
	if (result.success) return { ok: true, filter: result.data };
	const errors: Record<string, string> = {};
	for (const issue of result.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
	return { ok: false, errors };
}

/** The filter in plain words, for the invitation log and the preview heading. */
export function describeSegment(f: SegmentFilter, tierNames: Record<number, string>): string {
	const parts: string[] = [];
	if (f.tiers.length) parts.push(`tier ${f.tiers.map((r) => tierNames[r] ?? r).join(' or ')}`);
	if (f.minPoints !== null && f.maxPoints !== null)
		parts.push(`${f.minPoints}–${f.maxPoints} points in 12 months`);
	else if (f.minPoints !== null) parts.push(`at least ${f.minPoints} points in 12 months`);
	else if (f.maxPoints !== null) parts.push(`at most ${f.maxPoints} points in 12 months`);
	if (f.minEngagements90 !== null) parts.push(`at least ${f.minEngagements90} engagements in 90 days`);
	if (f.minTenureDays !== null) parts.push(`members for ${f.minTenureDays}+ days`);
	if (f.hasVoted !== 'any') parts.push(f.hasVoted === 'yes' ? 'has voted in a poll' : 'has never voted');
	if (f.hasAttended !== 'any')
		parts.push(f.hasAttended === 'yes' ? 'has checked in at a show' : 'has never checked in');
	return parts.length ? parts.join(', ') : 'every member';
}

/** The filter as URL parameters (preview links, hidden form fields). */
export function segmentParams(f: SegmentFilter): [string, string][] {
	const out: [string, string][] = f.tiers.map((t) => ['tiers', String(t)]);
	for (const key of ['minPoints', 'maxPoints', 'minEngagements90', 'minTenureDays'] as const)
		if (f[key] !== null) out.push([key, String(f[key])]);
	if (f.hasVoted !== 'any') out.push(['hasVoted', f.hasVoted]);
	if (f.hasAttended !== 'any') out.push(['hasAttended', f.hasAttended]);
	return out;
}
