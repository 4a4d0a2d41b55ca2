// The members directory's filter, read from GET parameters (pure: no I/O). Everything is a query
// parameter so a filtered list is a shareable URL and works without JavaScript. The segment
// fields (tier, points, engagements, tenure, voted, attended) are the co-creation segment builder's
// own (../segments/filter); the directory adds search, route, status, role, sort and page.
import { z } from 'zod';
import {
	EMPTY_FILTER,
	FILTER_FIELDS,
	parseSegmentFilter,
	segmentParams,
	type SegmentFilter
} from '../segments/filter';

export const PAGE_SIZE = 50;

export const ROUTES = ['any', 'paid', 'earned'] as const;
export const STATUSES = ['any', 'active', 'dormant', 'unverified'] as const;
export const ROLES = ['any', 'fan', 'staff', 'admin'] as const;
export const SORTS = ['points', 'activity', 'tenure', 'newest', 'name'] as const;

/** Days: "active" means an engagement within ACTIVE_DAYS; "dormant" none within DORMANT_DAYS. */
export const ACTIVE_DAYS = 30;
export const DORMANT_DAYS = 90;

export const SORT_LABELS: Record<(typeof SORTS)[number], string> = {
	points: 'Points (12 months), highest first',
	activity: 'Last activity, most recent first',
	tenure: 'Tenure, longest first',
	newest: 'Newest members first',
	name: 'Name, A to Z'
};

const own = z.object({
	q: z.string().trim().max(100, 'Search for at most 100 characters.').default(''),
	route: z.enum(ROUTES, 'Choose paid, earned or any.').default('any'),
	status: z.enum(STATUSES, 'Choose a status from the list.').default('any'),
	role: z.enum(ROLES, 'Choose a role from the list.').default('any'),
	sort: z.enum(SORTS, 'Choose a sort from the list.').default('points'),
	page: z.coerce
		.number('Use a page number.')
		.int('Use a page number.')
		.min(1, 'Pages start at 1.')
		// 200 pages of 50: the count stops at 10,000 (narrow the filter, or export, to see more).
		.max(200, 'Pages stop at 200: narrow the filter or export the list.')
		.default(1)
});

export const OWN_FIELDS = ['q', 'route', 'status', 'role', 'sort', 'page'] as const;

export type MembersFilter = z.output<typeof own> & { segment: SegmentFilter };

export const DEFAULT_MEMBERS_FILTER: MembersFilter = {
	q: '',
	route: 'any',
	status: 'any',
	role: 'any',
	sort: 'points',
	page: 1,
	segment: EMPTY_FILTER
};

export interface ParsedMembersFilter {
	/** The filter to run: any field with an error falls back to its default. */
	filter: MembersFilter;
	/** Messages by field name; empty when every parameter was valid. */
	errors: Record<string, string>;
}

/** Reads the directory filter from URL parameters; never throws on bad input. */
export function parseMembersFilter(params: URLSearchParams): ParsedMembersFilter {
	const errors: Record<string, string> = {};
	const raw: Record<string, string> = {};
	for (const key of OWN_FIELDS) {
		const value = params.get(key);
		if (value !== null && value.trim() !== '') raw[key] = value;
	}
	let ownResult = own.safeParse(raw);
	if (!ownResult.success) {
		for (const issue of ownResult.error.issues) {
			const field = String(issue.path[0] ?? 'form');
			errors[field] ??= issue.message;
			delete raw[field];
		}
		ownResult = own.safeParse(raw);
	}
	const base = ownResult.success ? ownResult.data : { ...DEFAULT_MEMBERS_FILTER };

	let segment = parseSegmentFilter(params);
	if (!segment.ok) {
		Object.assign(errors, segment.errors);
		// Run without the fields in error (a range error names maxPoints: drop both ends).
		const kept = new URLSearchParams();
		for (const key of FILTER_FIELDS) {
			if (key in segment.errors || (key === 'minPoints' && 'maxPoints' in segment.errors)) continue;
			for (const v of params.getAll(key)) kept.append(key, v);
		}
		segment = parseSegmentFilter(kept);
	}
	return {
		filter: { ...base, segment: segment.ok ? segment.filter : EMPTY_FILTER },
		errors
	};
}

/** The filter as URL parameters, defaults left out (pagination links, the CSV link). */
export function membersParams(f: MembersFilter, overrides: Partial<MembersFilter> = {}): URLSearchParams {
	const g = { ...f, ...overrides };
	const out = new URLSearchParams();
	if (g.q) out.set('q', g.q);
	for (const key of ['route', 'status', 'role'] as const) if (g[key] !== 'any') out.set(key, g[key]);
	if (g.sort !== 'points') out.set('sort', g.sort);
	for (const [k, v] of segmentParams(g.segment)) out.append(k, v);
	if (g.page !== 1) out.set('page', String(g.page));
	return out;
}

/** True when anything narrows the list (not sort or page). */
export function isFiltered(f: MembersFilter): boolean {
	const p = membersParams(f, { sort: 'points', page: 1 });
	return [...p.keys()].length > 0;
}

/**
 * A search term as a LIKE pattern matching anywhere, with the wildcards a person might type
 * (`%`, `_`) and the escape character taken literally.
 */
export function likePattern(term: string): string {
	return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
