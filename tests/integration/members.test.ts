// The staff members directory, member page actions, CSV export and audit log, on both drivers.
import { and, eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { insertUser } from '$lib/server/auth/users';
import { useDatabase, type Database } from '$lib/server/db';
import {
	accountDeletions,
	auditLog,
	engagements,
	mailOutbox,
	memberActivity,
	memberActivityRuns,
	memberTiers,
	payments,
	users
} from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { lastRefresh, refreshMemberActivity } from '$lib/server/members/activity';
import { DEFAULT_MEMBERS_FILTER, parseMembersFilter, type MembersFilter } from '$lib/server/members/filter';
import { listMembers } from '$lib/server/members/query';
import { GET as exportCsv } from '../../src/routes/staff/members/export.csv/+server';
import { load as listLoad } from '../../src/routes/staff/members/+page.server';
import { actions, load as memberLoad } from '../../src/routes/staff/members/[id=uuid]/+page.server';
import { load as auditLoad } from '../../src/routes/staff/audit/+page.server';
import { windowStart } from '$lib/server/loyalty/tier-state';
import { houseTimeZone } from '$lib/server/house';
import { calendarDay } from '$lib/time';
import { forEachDriver, unique } from './harness';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

type Role = 'fan' | 'staff' | 'admin';
interface Setup {
	name: string;
	email?: string;
	role?: Role;
	verified?: boolean;
	joined?: Date;
	rank?: number;
	earnedRank?: number;
	paidRank?: number | null;
	paidUntil?: Date | null;
	entries?: { days: number; points: number; kind?: string }[];
}

async function makeMember(db: Database, tag: string, s: Setup) {
	const user = (await insertUser(db, {
		email: s.email ?? `${unique(tag)}@example.com`,
		displayName: `${s.name} ${tag}`,
		passwordHash: 'x'
	}))!;
	await db
		.update(users)
		.set({
			role: s.role ?? 'fan',
			emailVerifiedAt: s.verified === false ? null : new Date(),
			createdAt: s.joined ?? new Date()
		})
		.where(eq(users.id, user.id));
	if (s.rank !== undefined || s.paidRank !== undefined)
		await db.insert(memberTiers).values({
			memberId: user.id,
			rank: s.rank ?? 0,
			earnedRank: s.earnedRank ?? 0,
			paidRank: s.paidRank ?? null,
			paidUntil: s.paidUntil ?? null
		});
	for (const [i, e] of (s.entries ?? []).entries()) {
		const at = ago(e.days);
		await db.insert(engagements).values({
			memberId: user.id,
			kind: e.kind ?? 'daily_visit',
			points: e.points,
			occurredAt: at,
			day: at.toISOString().slice(0, 10),
			source: 'test',
			idempotencyKey: `${user.id}:${i}`,
			payloadHash: 'x'
		});
	}
	return { ...user, role: s.role ?? 'fan' };
}

const filterOf = (query: string): MembersFilter => parseMembersFilter(new URLSearchParams(query)).filter;
const names = (rows: { displayName: string }[], tag: string) =>
	rows.map((r) => r.displayName.replace(` ${tag}`, ''));

function event(
	path: string,
	user: { id: string; role: Role } | null,
	options: { form?: Record<string, string>; params?: Record<string, string> } = {}
): RequestEvent {
	const url = new URL(`http://localhost${path}`);
	let request = new Request(url);
	if (options.form) {
		const data = new FormData();
		for (const [k, v] of Object.entries(options.form)) data.append(k, v);
		request = new Request(url, { method: 'POST', body: data });
	}
	return {
		url,
		request,
		params: options.params ?? {},
		locals: { user, session: null, requestId: 'test' }
	} as unknown as RequestEvent;
}
type Handler = (e: RequestEvent) => Promise<unknown>;
const call = (h: unknown, e: RequestEvent) => (h as Handler)(e);

forEachDriver('members directory', (t) => {
	beforeAll(async () => {
		await seedEssentials(t.db);
	});
	beforeEach(() => useDatabase(t.handle));

	describe('the activity summary', () => {
		it('between full passes rewrites only members whose figures could move: new entries and entries crossing the 12-month or 90-day edge', async () => {
			// This test owns the run log for its duration: the choice of pass depends on it.
			await t.db.delete(memberActivityRuns);
			try {
				const tag = unique('incr');
				const now1 = new Date(Date.now() + 60_000);
				const now2 = new Date(now1.getTime() + 2 * 3_600_000);
				const longAgo = new Date(now1.getTime() - 3 * DAY);
				const m = await makeMember(t.db, tag, { name: 'Edge' });
				const still = await makeMember(t.db, tag, { name: 'Still' });
				const entry = (n: number, occurredAt: Date, points: number, memberId = m.id) => ({
					memberId,
					kind: 'daily_visit',
					points,
					occurredAt,
					recordedAt: longAgo,
					day: occurredAt.toISOString().slice(0, 10),
					source: 'test',
					idempotencyKey: `${tag}:${n}`,
					payloadHash: 'x'
				});
				await t.db.insert(engagements).values([
					// In the 12-month window at now1, out of it at now2.
					entry(1, new Date(windowStart(now1).getTime() + 3_600_000), 40),
					// In the 90-day count at now1, out of it at now2 (the first is older than 90 days).
					entry(2, new Date(now1.getTime() - 90 * DAY + 3_600_000), 2),
					// Long written, well inside both windows: no pass before the next full one looks at it.
					entry(3, ago(20), 7, still.id)
				]);
				await refreshMemberActivity(t.db, now1, { full: true });
				const rowOf = async (id: string) =>
					(await t.db.select().from(memberActivity).where(eq(memberActivity.memberId, id)))[0];
				expect(await rowOf(m.id)).toMatchObject({ points12m: 42, engagements90d: 1 });
				// A figure the increment must not touch: 'Still' has nothing new and nothing crossing an edge.
				await t.db
					.update(memberActivity)
					.set({ points12m: 999 })
					.where(eq(memberActivity.memberId, still.id));

				await refreshMemberActivity(t.db, now2);
				expect(await rowOf(m.id)).toMatchObject({ points12m: 2, engagements90d: 0 });
				expect((await rowOf(still.id)).points12m).toBe(999);
				const runs = await t.db.select().from(memberActivityRuns).orderBy(memberActivityRuns.id);
				expect(runs.map((r) => r.fullPass)).toEqual([true, false]);

				// The daily full pass corrects everything.
				await refreshMemberActivity(t.db, new Date(now1.getTime() + DAY));
				expect((await rowOf(still.id)).points12m).toBe(7);
			} finally {
				await t.db.delete(memberActivityRuns);
			}
		});

		it('sums 12-month points, counts 90-day engagements and finds the last own activity', async () => {
			const tag = unique('sum');
			const m = await makeMember(t.db, tag, {
				name: 'Ada',
				entries: [
					{ days: 400, points: 100 },
					{ days: 100, points: 30 },
					{ days: 10, points: 5 },
					{ days: 2, points: 50, kind: 'staff_adjustment' }
				]
			});
			await refreshMemberActivity(t.db);
			const [row] = await t.db.select().from(memberActivity).where(eq(memberActivity.memberId, m.id));
			expect(row).toMatchObject({ points12m: 85, engagements90d: 1 });
			expect(Math.abs(row.lastActivityAt!.getTime() - ago(10).getTime())).toBeLessThan(60_000);
			// Again: idempotent, and a member with no entries is there with zeros.
			const quiet = await makeMember(t.db, tag, { name: 'Quiet' });
			// The new account has its row from sign-up (zeros), so nothing changes: nothing is rewritten.
			const runAt = new Date();
			expect(await refreshMemberActivity(t.db, runAt)).toBe(0);
			expect(await lastRefresh(t.db)).toEqual(runAt);
			const rows = await t.db.select().from(memberActivity).where(eq(memberActivity.memberId, quiet.id));
			expect(rows).toMatchObject([{ points12m: 0, engagements90d: 0, lastActivityAt: null }]);
		});
	});

	describe('the members query', () => {
		let tag: string;
		beforeAll(async () => {
			tag = unique('dir');
			const future = new Date(Date.now() + 30 * DAY);
			await makeMember(t.db, tag, {
				name: 'Mara',
				email: `mara.${tag}@Example.com`,
				rank: 2,
				earnedRank: 2,
				joined: ago(700),
				entries: [
					{ days: 5, points: 300 },
					{ days: 6, points: 200, kind: 'venue_checkin' }
				]
			});
			await makeMember(t.db, tag, {
				name: 'Theo',
				rank: 3,
				earnedRank: 1,
				paidRank: 3,
				paidUntil: future,
				joined: ago(300),
				entries: [{ days: 40, points: 120 }]
			});
			await makeMember(t.db, tag, {
				name: 'Ines 50%_off',
				rank: 1,
				earnedRank: 1,
				verified: false,
				joined: ago(10),
				entries: [{ days: 200, points: 60 }]
			});
			await makeMember(t.db, tag, { name: 'Robin', role: 'staff', joined: ago(1000) });
			const gone = await makeMember(t.db, tag, {
				name: 'Erased',
				rank: 3,
				earnedRank: 3,
				entries: [{ days: 1, points: 999 }]
			});
			await t.db.insert(accountDeletions).values({ memberId: gone.id, reason: 'member' });
			await refreshMemberActivity(t.db);
		});

		const run = async (query: string) => {
			const page = await listMembers(t.db, filterOf(`q=${tag}&${query}`));
			return { total: page.total, names: names(page.members, tag), page };
		};

		it('lists members by 12-month points, never a tombstone, with the freshness of the figures', async () => {
			const { names: list, total, page } = await run('');
			expect(list).toEqual(['Mara', 'Theo', 'Ines 50%_off', 'Robin']);
			expect(total).toBe(4);
			expect(page.members[0]).toMatchObject({ points12m: 500, rank: 2, paid: false });
			expect(page.members[1]).toMatchObject({ points12m: 120, rank: 3, paid: true, paidRank: 3 });
			expect(page.asOf).toBeInstanceOf(Date);
		});

		it('searches names and emails, case-insensitive and partial, wildcards taken literally', async () => {
			expect((await listMembers(t.db, filterOf(`q=MARA.${tag.toUpperCase()}@example`))).members).toHaveLength(
				1
			);
			expect(names((await listMembers(t.db, filterOf(`q=ARA.${tag}`))).members, tag)).toEqual(['Mara']);
			const byName = await listMembers(t.db, filterOf(`q=ines 50%_off ${tag}`));
			expect(names(byName.members, tag)).toEqual(['Ines 50%_off']);
			const wildcard = await listMembers(t.db, filterOf(`q=${tag.slice(0, 4)}%${tag.slice(5)}`));
			expect(wildcard.total).toBe(0);
			const erased = await listMembers(t.db, filterOf(`q=Erased ${tag}`));
			expect(erased.total).toBe(0);
		});

		it('filters by tier, route, status and role', async () => {
			expect((await run('tiers=2&tiers=3')).names).toEqual(['Mara', 'Theo']);
			expect((await run('tiers=0')).names).toEqual(['Robin']);
			expect((await run('route=paid')).names).toEqual(['Theo']);
			expect((await run('route=earned')).names).toEqual(['Mara', 'Ines 50%_off']);
			expect((await run('status=active')).names).toEqual(['Mara']);
			expect((await run('status=dormant')).names).toEqual(['Ines 50%_off', 'Robin']);
			expect((await run('status=unverified')).names).toEqual(['Ines 50%_off']);
			expect((await run('role=staff')).names).toEqual(['Robin']);
			expect((await run('role=fan&tiers=1')).names).toEqual(['Ines 50%_off']);
		});

		it('applies the segment builder’s fields', async () => {
			expect((await run('minPoints=100')).names).toEqual(['Mara', 'Theo']);
			expect((await run('minPoints=100&maxPoints=200')).names).toEqual(['Theo']);
			expect((await run('minEngagements90=2')).names).toEqual(['Mara']);
			expect((await run('minTenureDays=365')).names).toEqual(['Mara', 'Robin']);
			expect((await run('hasAttended=yes')).names).toEqual(['Mara']);
			expect((await run('hasAttended=no&hasVoted=no')).names).toEqual(['Theo', 'Ines 50%_off', 'Robin']);
		});

		it('sorts by activity, tenure, newest and name', async () => {
			expect((await run('sort=activity')).names).toEqual(['Mara', 'Theo', 'Ines 50%_off', 'Robin']);
			expect((await run('sort=tenure')).names).toEqual(['Robin', 'Mara', 'Theo', 'Ines 50%_off']);
			expect((await run('sort=newest')).names).toEqual(['Ines 50%_off', 'Theo', 'Mara', 'Robin']);
			expect((await run('sort=name')).names).toEqual(['Ines 50%_off', 'Mara', 'Robin', 'Theo']);
		});

		it('pages 50 at a time', async () => {
			const ptag = unique('page');
			for (let i = 0; i < 53; i++) await makeMember(t.db, ptag, { name: `P${String(i).padStart(2, '0')}` });
			const first = await listMembers(t.db, { ...DEFAULT_MEMBERS_FILTER, q: ptag, sort: 'name' });
			const second = await listMembers(t.db, { ...DEFAULT_MEMBERS_FILTER, q: ptag, sort: 'name', page: 2 });
			expect([first.total, first.pages, first.members.length, second.members.length]).toEqual([53, 2, 50, 3]);
			expect(names(second.members, ptag)).toEqual(['P50', 'P51', 'P52']);
		});

		it('the page load answers bad parameters with messages, not an error', async () => {
			const staff = await makeMember(t.db, tag, { name: 'Loader', role: 'staff' });
			const data = (await call(
				listLoad,
				event(`/staff/members?q=${tag}&sort=sideways&minPoints=lots`, { id: staff.id, role: 'staff' })
			)) as { errors: Record<string, string>; total: number };
			expect(Object.keys(data.errors).sort()).toEqual(['minPoints', 'sort']);
			expect(data.total).toBe(5);
		});
	});

	describe('CSV export', () => {
		it('exports the filter, every page, escaped and formula-safe, and audits it', async () => {
			const tag = unique('csv');
			const staff = await makeMember(t.db, tag, { name: 'Exporter', role: 'staff' });
			await makeMember(t.db, tag, {
				name: '=HYPERLINK("http://evil.example","x"),',
				entries: [{ days: 1, points: 7 }]
			});
			await makeMember(t.db, tag, { name: '-Minus', entries: [{ days: 1, points: 3 }] });
			const gone = await makeMember(t.db, tag, { name: 'Gone' });
			await t.db.insert(accountDeletions).values({ memberId: gone.id, reason: 'member' });
			await refreshMemberActivity(t.db);
			const response = (await call(
				exportCsv,
				event(`/staff/members/export.csv?q=${tag}&role=fan`, { id: staff.id, role: 'staff' })
			)) as Response;
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
			const lines = (await response.text()).split('\r\n');
			expect(lines[0]).toBe(
				'id,name,email,role,email_verified,tier,route,points_12m,engagements_90d,last_activity_at,joined_at'
			);
			expect(lines).toHaveLength(4); // header, two members, the final empty line
			expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x""), ${tag}"`);
			expect(lines[1]).toContain(',fan,true,');
			expect(lines[2]).toContain(`,'-Minus ${tag},`);
			expect(lines.join('\n')).not.toContain('Gone');
			const [entry] = await t.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.action, 'members.exported'), eq(auditLog.actorId, staff.id)));
			expect(entry.details).toMatchObject({ rows: 2 });
			expect(String(entry.details.filter)).toContain(tag);
		});

		it('is for staff only and refuses bad parameters with 400', async () => {
			const tag = unique('csv2');
			const fan = await makeMember(t.db, tag, { name: 'Fan' });
			await expect(
				call(exportCsv, event('/staff/members/export.csv', { id: fan.id, role: 'fan' }))
			).rejects.toMatchObject({ status: 403 });
			await expect(call(exportCsv, event('/staff/members/export.csv', null))).rejects.toMatchObject({
				status: 303
			});
			const staff = await makeMember(t.db, tag, { name: 'Staff', role: 'staff' });
			await expect(
				call(exportCsv, event('/staff/members/export.csv?sort=nope', { id: staff.id, role: 'staff' }))
			).rejects.toMatchObject({ status: 400 });
		});
	});

	describe('member page actions', () => {
		const path = (id: string, action = '') => `/staff/members/${id}${action ? `?/${action}` : ''}`;

		it('refuses fans in the load and in every action, and visitors go to sign-in', async () => {
			const tag = unique('guard');
			const fan = await makeMember(t.db, tag, { name: 'Fan' });
			const other = await makeMember(t.db, tag, { name: 'Other' });
			const as = { id: fan.id, role: 'fan' as const };
			const params = { id: other.id };
			await expect(call(memberLoad, event(path(other.id), as, { params }))).rejects.toMatchObject({
				status: 403
			});
			for (const [name, action] of Object.entries(actions)) {
				const form = { points: '5', reason: 'because', requestId: 'r'.repeat(10), role: 'admin' };
				await expect(call(action, event(path(other.id, name), as, { form, params }))).rejects.toMatchObject({
					status: 403
				});
				await expect(call(action, event(path(other.id, name), null, { form, params }))).rejects.toMatchObject(
					{
						status: 303
					}
				);
			}
			// Staff may not change roles: that is for admins, checked in the action itself.
			const staff = await makeMember(t.db, tag, { name: 'Staff', role: 'staff' });
			await expect(
				call(
					actions.role,
					event(path(other.id, 'role'), { id: staff.id, role: 'staff' }, { form: { role: 'admin' }, params })
				)
			).rejects.toMatchObject({ status: 403 });
			const [row] = await t.db.select().from(users).where(eq(users.id, other.id));
			expect(row.role).toBe('fan');
		});

		it('adjusts points with a reason, audited, and the directory sees it at once', async () => {
			const tag = unique('adj');
			const staff = await makeMember(t.db, tag, { name: 'Staff', role: 'staff' });
			const fan = await makeMember(t.db, tag, { name: 'Fan', entries: [{ days: 3, points: 10 }] });
			await refreshMemberActivity(t.db);
			const as = { id: staff.id, role: 'staff' as const };
			const params = { id: fan.id };
			const bad = await call(
				actions.adjust,
				event(path(fan.id, 'adjust'), as, {
					form: { points: '0', reason: '', requestId: 'req-0000001' },
					params
				})
			);
			expect(bad).toMatchObject({
				status: 400,
				data: {
					action: 'adjust',
					errors: {
						points: 'An adjustment of 0 points changes nothing.',
						reason: 'Say why: the member sees this reason.'
					}
				}
			});
			const ok = await call(
				actions.adjust,
				event(path(fan.id, 'adjust'), as, {
					form: { points: '-4', reason: 'Double scan at the door', requestId: 'req-0000002' },
					params
				})
			);
			expect(ok).toMatchObject({ action: 'adjust', adjusted: { points: -4, duplicate: false } });
			const entries = await t.db
				.select()
				.from(engagements)
				.where(and(eq(engagements.memberId, fan.id), eq(engagements.kind, 'staff_adjustment')));
			expect(entries).toMatchObject([{ points: -4, note: 'Double scan at the door', actorId: staff.id }]);
			const audits = await t.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.subjectId, fan.id), eq(auditLog.action, 'points.adjusted')));
			expect(audits).toMatchObject([
				{ actorId: staff.id, details: { points: -4, reason: 'Double scan at the door' } }
			]);
			const [summary] = await t.db.select().from(memberActivity).where(eq(memberActivity.memberId, fan.id));
			expect(summary.points12m).toBe(6);
			const page = (await call(memberLoad, event(path(fan.id), as, { params }))) as {
				ledger: { points: number; note: string | null }[];
				points12m: number;
			};
			expect(page.points12m).toBe(6);
			expect(page.ledger[0]).toMatchObject({ points: -4, note: 'Double scan at the door' });
		});

		it('shows payments and refunds, newest first, with the exact total paid', async () => {
			const tag = unique('paid');
			const staff = await makeMember(t.db, tag, { name: 'Staff', role: 'staff' });
			const fan = await makeMember(t.db, tag, { name: 'Patron' });
			const row = (n: number, kind: 'payment' | 'refund', amountMinor: number) => ({
				memberId: fan.id,
				externalId: `${tag}:${n}`,
				kind,
				amountMinor,
				tierRank: kind === 'payment' ? 3 : null,
				currency: 'eur',
				occurredAt: ago(30 - n)
			});
			await t.db
				.insert(payments)
				.values([row(1, 'payment', 1500), row(2, 'payment', 1500), row(3, 'refund', -499)]);
			const page = (await call(
				memberLoad,
				event(path(fan.id), { id: staff.id, role: 'staff' }, { params: { id: fan.id } })
			)) as { payments: { kind: string; amountMinor: number }[]; paidTotals: unknown };
			expect(page.payments.map((p) => [p.kind, p.amountMinor])).toEqual([
				['refund', -499],
				['payment', 1500],
				['payment', 1500]
			]);
			expect(page.paidTotals).toEqual([{ currency: 'eur', amountMinor: 2501 }]);
		});

		it('grants a comp, audited, and refuses a past date with 400', async () => {
			const tag = unique('comp');
			const staff = await makeMember(t.db, tag, { name: 'Staff', role: 'staff' });
			const fan = await makeMember(t.db, tag, { name: 'Fan' });
			const as = { id: staff.id, role: 'staff' as const };
			const params = { id: fan.id };
			const past = await call(
				actions.comp,
				event(path(fan.id, 'comp'), as, {
					form: { tierRank: '3', endsAt: '2020-01-01', reason: 'Prize' },
					params
				})
			);
			expect(past).toMatchObject({
				status: 400,
				data: { errors: { endsAt: 'Choose an end date in the future.' } }
			});
			const missing = await call(
				actions.comp,
				event(path(fan.id, 'comp'), as, { form: { tierRank: '3' }, params })
			);
			expect(missing).toMatchObject({ status: 400, data: { errors: { endsAt: 'Choose an end date.' } } });
			const until = new Date(Date.now() + 40 * DAY).toISOString().slice(0, 10);
			const ok = await call(
				actions.comp,
				event(path(fan.id, 'comp'), as, {
					form: { tierRank: '3', endsAt: until, reason: 'Prize draw' },
					params
				})
			);
			expect(ok).toMatchObject({ action: 'comp', granted: true });
			const [tier] = await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, fan.id));
			expect(tier).toMatchObject({ paidRank: 3, rank: 3 });
			const audits = await t.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.subjectId, fan.id), eq(auditLog.action, 'patronage.comp_granted')));
			expect(audits).toHaveLength(1);
			const listed = await listMembers(t.db, filterOf(`q=${tag}&route=paid`));
			expect(names(listed.members, tag)).toEqual(['Fan']);
		});

		it('resends the verification email only to unverified members, audited', async () => {
			const tag = unique('verify');
			const staff = await makeMember(t.db, tag, { name: 'Staff', role: 'staff' });
			const fresh = await makeMember(t.db, tag, { name: 'Fresh', verified: false });
			const done = await makeMember(t.db, tag, { name: 'Done' });
			const as = { id: staff.id, role: 'staff' as const };
			const ok = await call(
				actions.verify,
				event(path(fresh.id, 'verify'), as, { form: {}, params: { id: fresh.id } })
			);
			expect(ok).toMatchObject({ action: 'verify', sent: true });
			const mail = await t.db.select().from(mailOutbox).where(eq(mailOutbox.to, fresh.email));
			expect(mail).toMatchObject([{ kind: 'verify_email' }]);
			const audits = await t.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.subjectId, fresh.id), eq(auditLog.action, 'member.verification_resent')));
			expect(audits).toMatchObject([{ actorId: staff.id }]);
			const refused = await call(
				actions.verify,
				event(path(done.id, 'verify'), as, { form: {}, params: { id: done.id } })
			);
			expect(refused).toMatchObject({
				status: 400,
				data: { errors: { verify: expect.stringMatching(/already/) } }
			});
		});

		it('lets admins change roles, audited, but never demote the last admin', async () => {
			const tag = unique('role');
			// This test needs to know every admin: make the others staff.
			await t.db.update(users).set({ role: 'staff' }).where(eq(users.role, 'admin'));
			const admin = await makeMember(t.db, tag, { name: 'Admin', role: 'admin' });
			const fan = await makeMember(t.db, tag, { name: 'Fan' });
			const as = { id: admin.id, role: 'admin' as const };
			const bogus = await call(
				actions.role,
				event(path(fan.id, 'role'), as, { form: { role: 'king' }, params: { id: fan.id } })
			);
			expect(bogus).toMatchObject({ status: 400, data: { errors: { role: 'Choose fan, staff or admin.' } } });
			const self = await call(
				actions.role,
				event(path(admin.id, 'role'), as, { form: { role: 'fan' }, params: { id: admin.id } })
			);
			expect(self).toMatchObject({
				status: 400,
				data: { errors: { role: 'You are the last admin: make someone else an admin first.' } }
			});
			const promote = await call(
				actions.role,
				event(path(fan.id, 'role'), as, { form: { role: 'admin' }, params: { id: fan.id } })
			);
			expect(promote).toMatchObject({ action: 'role', changed: { from: 'fan', to: 'admin' } });
			// Now there are two: the first may step down.
			const stepDown = await call(
				actions.role,
				event(path(admin.id, 'role'), as, { form: { role: 'staff' }, params: { id: admin.id } })
			);
			expect(stepDown).toMatchObject({ changed: { from: 'admin', to: 'staff' } });
			const audits = await t.db
				.select({ details: auditLog.details, subject: auditLog.subjectId })
				.from(auditLog)
				.where(and(eq(auditLog.action, 'member.role_changed'), eq(auditLog.actorId, admin.id)))
				.orderBy(auditLog.id);
			expect(audits).toEqual([
				{ subject: fan.id, details: { from: 'fan', to: 'admin' } },
				{ subject: admin.id, details: { from: 'admin', to: 'staff' } }
			]);
		});

		it('answers 404 for unknown or erased members', async () => {
			const tag = unique('404');
			const staff = await makeMember(t.db, tag, { name: 'Staff', role: 'staff' });
			const gone = await makeMember(t.db, tag, { name: 'Gone' });
			await t.db.insert(accountDeletions).values({ memberId: gone.id, reason: 'member' });
			const as = { id: staff.id, role: 'staff' as const };
			for (const id of ['not-a-uuid', crypto.randomUUID(), gone.id])
				await expect(call(memberLoad, event(path(id), as, { params: { id } }))).rejects.toMatchObject({
					status: 404
				});
		});
	});

	describe('/staff/audit', () => {
		it('filters by action, actor and subject, newest first, with links to members', async () => {
			const tag = unique('audit');
			const staff = await makeMember(t.db, tag, { name: 'Auditor', role: 'staff' });
			const fan = await makeMember(t.db, tag, { name: 'Subject' });
			const as = { id: staff.id, role: 'staff' as const };
			for (const [i, reason] of ['First reason', 'Second reason'].entries())
				await call(
					actions.adjust,
					event(`/staff/members/${fan.id}?/adjust`, as, {
						form: { points: String(i + 1), reason, requestId: `${tag}-${i}` },
						params: { id: fan.id }
					})
				);
			const data = (await call(
				auditLoad,
				event(`/staff/audit?action=points.adjusted&actor=Auditor ${tag}&subjectId=${fan.id}`, as)
			)) as {
				total: number;
				entries: { label: string; details: string; memberLink: string | null; actor: { name: string } }[];
				errors: Record<string, string>;
			};
			expect(data.total).toBe(2);
			expect(data.entries.map((e) => e.details)).toEqual([
				'+2 points: “Second reason”',
				'+1 points: “First reason”'
			]);
			expect(data.entries[0]).toMatchObject({
				label: 'Adjusted points',
				memberLink: `/staff/members/${fan.id}`,
				actor: { name: `Auditor ${tag}` }
			});
			// Tomorrow on the house clock: audit days are the house's.
			const tomorrow = calendarDay(Date.now() + DAY, houseTimeZone());
			const none = (await call(
				auditLoad,
				event(`/staff/audit?subjectId=${fan.id}&from=${tomorrow}`, as)
			)) as {
				total: number;
			};
			expect(none.total).toBe(0);
			const bad = (await call(auditLoad, event(`/staff/audit?from=soon&subjectId=${fan.id}`, as))) as {
				total: number;
				errors: Record<string, string>;
			};
			expect(Object.keys(bad.errors)).toEqual(['from']);
			expect(bad.total).toBe(2);
			const fanUser = await makeMember(t.db, tag, { name: 'Nosy' });
			await expect(
				call(auditLoad, event('/staff/audit', { id: fanUser.id, role: 'fan' }))
			).rejects.toMatchObject({
				status: 403
			});
		});
	});
});
