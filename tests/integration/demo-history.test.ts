// The demo's generated history on both drivers: written once, consistent with the engine (a
// rebuild changes nothing), with subscription MRR and payments that add up, nothing falling due or
// posted to inboxes, and the demo accounts left exactly as they were.
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { config } from '$lib/server/config';
import { rowsOf } from '$lib/server/db/connect';
import { DEMO_ACCOUNTS, seedDemo } from '$lib/server/demo/seed';
import { generateHistory, GENERATED_FAN_PATTERN, type HistoryReport } from '$lib/server/demo/history';
import { rebuildAll } from '$lib/server/loyalty/rebuild';
import { runMomentsDueWork } from '$lib/server/moments/scheduled';
import { paidGrantOf } from '$lib/server/patronage/access';
import { paidGrants } from '$lib/server/patronage/paid-tier';
import { runPatronageDueWork } from '$lib/server/patronage/subscriptions';
import { forEachDriver } from './harness';

const MEMBERS = 60;
const generated = sql`(select id from users where email like ${GENERATED_FAN_PATTERN})`;
const demoEmails = DEMO_ACCOUNTS.map((a) => a.email);

forEachDriver('demo history', (t) => {
	const now = new Date();
	let first: HistoryReport;
	let demoBefore: unknown;
	const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await t.db.execute(query));
	/** The demo accounts' rows in every table the history writes or the engine derives. */
	const demoState = () =>
		q(sql`
			select u.email, u.display_name, u.password_hash, u.role, u.updated_at, u.created_at,
				(select row_to_json(m) from member_tiers m where m.member_id = u.id) as tier,
				(select count(*)::int from engagements e where e.member_id = u.id) as entries,
				(select count(*)::int from tier_changes c where c.member_id = u.id) as changes,
				(select count(*)::int from inbox_items i where i.member_id = u.id) as inbox,
				(select count(*)::int from patron_subscriptions s where s.member_id = u.id) as subscriptions,
				(select count(*)::int from payments p where p.member_id = u.id) as payments
			from users u where u.email in (${sql.join(
				demoEmails.map((e) => sql`${e}`),
				sql`, `
			)}) order by u.email`);

	beforeAll(async () => {
		await seedDemo(t.db, { historyMembers: 0 });
		demoBefore = await demoState();
		first = await generateHistory(t.db, { members: MEMBERS, seed: 11, now });
	}, 60_000);

	it('writes the history once: a second run adds nothing', async () => {
		expect(first.generated).toBe(true);
		expect(first.members).toBe(MEMBERS);
		expect(first.engagements).toBeGreaterThan(MEMBERS * 10);
		const count = async () =>
			(
				await q<{ users: number; entries: number; events: number; payments: number }>(sql`
				select (select count(*)::int from users) as users, (select count(*)::int from engagements) as entries,
					(select count(*)::int from subscription_events) as events, (select count(*)::int from payments) as payments`)
			)[0];
		const before = await count();
		const again = await generateHistory(t.db, { members: MEMBERS, seed: 11, now });
		expect(again.generated).toBe(false);
		expect(await count()).toEqual(before);
		// Idempotent through the demo seed too.
		await seedDemo(t.db, { historyMembers: MEMBERS });
		expect(await count()).toEqual(before);
		const [row] = await q<{ n: number }>(sql`select count(*)::int as n from ${generated} as g`);
		expect(row.n).toBe(MEMBERS);
	});

	it('keeps tier state equal to a rebuild from the ledger, and the change log ends at the tier', async () => {
		const report = await rebuildAll(t.db, { dryRun: true });
		expect(report.differing).toEqual([]);
		expect(report.members).toBeGreaterThanOrEqual(MEMBERS);
		const mismatched = await q<{ member_id: string }>(sql`
			select m.member_id from member_tiers m
			left join lateral (select to_rank from tier_changes c where c.member_id = m.member_id
				order by c.at desc, c.id desc limit 1) last on true
			where m.member_id in ${generated} and coalesce(last.to_rank, 0) <> m.rank`);
		expect(mismatched).toEqual([]);
		const ranks = await q<{ rank: number }>(
			sql`select distinct rank from member_tiers where member_id in ${generated}`
		);
		expect(ranks.length).toBeGreaterThan(1);
	});

	it('logs subscription MRR consistently: each change starts where the last ended, ending at today’s MRR', async () => {
		const events = await q<{
			stripe_subscription_id: string;
			mrr_before_minor: number;
			mrr_after_minor: number;
			mrr_delta_minor: number;
		}>(sql`
			select stripe_subscription_id, mrr_before_minor, mrr_after_minor, mrr_delta_minor from subscription_events
			where member_id in ${generated} order by stripe_subscription_id, occurred_at, id`);
		const subs = await q<{ id: string; mrr_minor: number; granted_rank: number | null; status: string }>(
			sql`select id, mrr_minor, granted_rank, status from patron_subscriptions where member_id in ${generated}`
		);
		expect(subs.length).toBeGreaterThan(0);
		const last = new Map<string, number>();
		for (const e of events) {
			expect(e.mrr_delta_minor).toBe(e.mrr_after_minor - e.mrr_before_minor);
			expect(e.mrr_before_minor).toBe(last.get(e.stripe_subscription_id) ?? 0);
			last.set(e.stripe_subscription_id, e.mrr_after_minor);
		}
		for (const s of subs) {
			expect(last.get(s.id), s.id).toBe(s.mrr_minor);
			if (s.status === 'canceled') expect(s.mrr_minor).toBe(0);
		}
		// The MRR movement sums to today's MRR.
		const [sum] = await q<{ moved: number; today: number }>(sql`
			select (select coalesce(sum(mrr_delta_minor), 0)::int from subscription_events where member_id in ${generated}) as moved,
				(select coalesce(sum(mrr_minor), 0)::int from patron_subscriptions where member_id in ${generated}) as today`);
		expect(sum.moved).toBe(sum.today);
	});

	it('sets paid tiers as the patronage code computes them from the subscriptions', async () => {
		const rows = await q<{
			member_id: string;
			paid_rank: number | null;
			paid_until: string | Date | null;
		}>(sql`
			select member_id, paid_rank, paid_until from member_tiers
			where member_id in (select member_id from patron_subscriptions where member_id in ${generated})`);
		expect(rows.length).toBeGreaterThan(0);
		for (const r of rows) {
			const grant = paidGrantOf(await paidGrants(t.db, r.member_id, config.patronageGraceDays, now));
			expect(r.paid_rank).toBe(grant?.rank ?? null);
			expect(r.paid_until ? new Date(r.paid_until).getTime() : null).toBe(grant?.until.getTime() ?? null);
		}
	});

	it('has a payment per paid invoice with a point per euro, and refunds as negative rows', async () => {
		const [p] = await q<{ paid: number; refunded: number; bad: number; points: number; owed: number }>(sql`
			select coalesce(sum(amount_minor) filter (where kind = 'payment'), 0)::int as paid,
				coalesce(sum(amount_minor) filter (where kind = 'refund'), 0)::int as refunded,
				count(*) filter (where (kind = 'payment') <> (amount_minor > 0))::int as bad,
				(select coalesce(sum(points), 0)::int from engagements where kind = 'patronage' and member_id in ${generated}) as points,
				coalesce(sum(floor(amount_minor / 100)) filter (where kind = 'payment'), 0)::int as owed
			from payments where member_id in ${generated}`);
		expect(p.paid).toBeGreaterThan(0);
		expect(p.bad).toBe(0);
		expect(p.refunded).toBeLessThanOrEqual(0);
		expect(p.points).toBe(p.owed);
		// A refund returns one earlier payment in full, a few days after it (how often is chance:
		// with 60 fans a share of the total would depend on the day the test runs).
		const unmatched = await q<{ external_id: string }>(sql`
			select r.external_id from payments r where r.kind = 'refund' and r.member_id in ${generated}
			and not exists (select 1 from payments p where p.kind = 'payment' and p.member_id = r.member_id
				and p.external_id = 'invoice:in_demo_' || substring(r.stripe_charge_id from 9)
				and p.amount_minor = -r.amount_minor
				and r.occurred_at > p.occurred_at and r.occurred_at < p.occurred_at + interval '11 days')`);
		expect(unmatched).toEqual([]);
		// Every subscription was paid for when it started, at its tier.
		const unpaid = await q<{ id: string }>(sql`
			select s.id from patron_subscriptions s where s.member_id in ${generated}
			and not exists (select 1 from payments p where p.stripe_subscription_id = s.id and p.occurred_at = s.created_at)`);
		expect(unpaid).toEqual([]);
	});

	it('leaves nothing due and nothing in anyone’s inbox, and the demo accounts as they were', async () => {
		const inbox = async () =>
			(
				await q<{ n: number }>(
					sql`select count(*)::int as n from inbox_items where member_id in ${generated}`
				)
			)[0].n;
		const mail = async () =>
			(
				await q<{ n: number }>(
					sql`select count(*)::int as n from mail_outbox where "to" like ${GENERATED_FAN_PATTERN}`
				)
			)[0].n;
		expect(await inbox()).toBe(0);
		expect(await mail()).toBe(0);
		const eventsBefore = await q<{ n: number }>(sql`select count(*)::int as n from subscription_events`);
		await runPatronageDueWork(t.db, new Date(), config.patronageGraceDays);
		await runMomentsDueWork(t.db, new Date());
		expect(await q<{ n: number }>(sql`select count(*)::int as n from subscription_events`)).toEqual(
			eventsBefore
		);
		expect(await inbox()).toBe(0);
		expect(await demoState()).toEqual(demoBefore);
	});
});
