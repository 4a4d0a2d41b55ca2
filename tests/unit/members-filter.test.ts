import { describe, expect, it } from 'vitest';
import {
	DEFAULT_MEMBERS_FILTER,
	isFiltered,
	likePattern,
	membersParams,
	parseMembersFilter
} from '$lib/server/members/filter';
import {
	actionLabel,
	auditParams,
	describeDetails,
	isMemberSubject,
	parseAuditFilter
} from '$lib/server/members/audit-text';

describe('members filter', () => {
	it('reads no parameters as every member, sorted by points, page 1', () => {
		expect(parseMembersFilter(new URLSearchParams())).toEqual({ filter: DEFAULT_MEMBERS_FILTER, errors: {} });
		expect(isFiltered(DEFAULT_MEMBERS_FILTER)).toBe(false);
	});

	it('reads every field and round-trips through URL parameters', () => {
		const params = new URLSearchParams(
			'q=%20Mara%20&route=paid&status=active&role=fan&sort=tenure&page=3&tiers=1&tiers=2&minPoints=10&hasVoted=yes'
		);
		const { filter, errors } = parseMembersFilter(params);
		expect(errors).toEqual({});
		expect(filter).toMatchObject({
			q: 'Mara',
			route: 'paid',
			status: 'active',
			role: 'fan',
			sort: 'tenure',
			page: 3
		});
		expect(filter.segment).toMatchObject({ tiers: [1, 2], minPoints: 10, hasVoted: 'yes' });
		expect(parseMembersFilter(membersParams(filter)).filter).toEqual(filter);
		expect(isFiltered(filter)).toBe(true);
		expect(membersParams(filter, { page: 1 }).has('page')).toBe(false);
	});

	it('keeps the valid fields and reports the others by name, without throwing', () => {
		const { filter, errors } = parseMembersFilter(
			new URLSearchParams(
				'q=ada&route=bought&sort=random&page=-2&minPoints=abc&maxPoints=5&hasAttended=maybe'
			)
		);
		expect(Object.keys(errors).sort()).toEqual(['hasAttended', 'minPoints', 'page', 'route', 'sort']);
		expect(filter).toMatchObject({ q: 'ada', route: 'any', sort: 'points', page: 1 });
		expect(filter.segment).toMatchObject({ minPoints: null, maxPoints: 5, hasAttended: 'any' });
	});

	it('drops both ends of an impossible points range', () => {
		const { filter, errors } = parseMembersFilter(new URLSearchParams('minPoints=50&maxPoints=10'));
		expect(errors.maxPoints).toMatch(/lowest points/);
		expect(filter.segment).toMatchObject({ minPoints: null, maxPoints: null });
	});

	it('refuses a search longer than 100 characters', () => {
		const { errors, filter } = parseMembersFilter(new URLSearchParams({ q: 'x'.repeat(101) }));
		expect(errors.q).toBeDefined();
		expect(filter.q).toBe('');
	});

	it('takes LIKE wildcards literally in a search', () => {
		expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
	});
});

const ZONE = 'Europe/Brussels';

describe('audit log text', () => {
	it('names known actions and spells out unknown ones', () => {
		expect(actionLabel('points.adjusted')).toBe('Adjusted points');
		expect(actionLabel('drop.archived')).toBe('Drop archived');
	});

	it('describes the details that matter', () => {
		expect(describeDetails('points.adjusted', { points: 50, reason: 'Lost scan', entryId: 3 }, ZONE)).toBe(
			'+50 points: “Lost scan”'
		);
		expect(describeDetails('member.role_changed', { from: 'fan', to: 'staff' }, ZONE)).toBe(
			'From fan to staff'
		);
		expect(describeDetails('poll.close', { poll: 4, note: '' }, ZONE)).toBe('poll: 4');
		// The comp's last day on the house clock, not the UTC date of the stored instant.
		expect(
			describeDetails(
				'patronage.comp_granted',
				{ tierRank: 3, endsAt: '2026-06-30T21:59:59.000Z', reason: 'Prize' },
				ZONE
			)
		).toBe('Tier rank 3 until 30 June 2026: “Prize”');
		expect(
			describeDetails(
				'patronage.comp_granted',
				{ tierRank: 3, endsAt: '2026-07-01T03:59:59.000Z', reason: 'Prize' },
				'America/New_York'
			)
		).toBe('Tier rank 3 until 30 June 2026: “Prize”');
		expect(isMemberSubject('user')).toBe(true);
		expect(isMemberSubject('drop')).toBe(false);
	});

	it('reads its filter, falling back per field', () => {
		const ok = parseAuditFilter(
			new URLSearchParams('action=points.adjusted&from=2026-01-01&to=2026-02-01&page=2')
		);
		expect(ok.errors).toEqual({});
		expect(auditParams(ok.filter).toString()).toBe(
			'action=points.adjusted&from=2026-01-01&to=2026-02-01&page=2'
		);
		const bad = parseAuditFilter(new URLSearchParams('from=yesterday&to=2026-02-01'));
		expect(Object.keys(bad.errors)).toEqual(['from']);
		expect(bad.filter).toMatchObject({ from: '', to: '2026-02-01' });
		const reversed = parseAuditFilter(new URLSearchParams('from=2026-03-01&to=2026-02-01'));
		expect(reversed.errors.to).toMatch(/after/);
	});
});
