// Writes a year of generated demo history (history-plan.ts) to the database, set-based: fans,
// their ledger, tier state and tier changes, and their patronage (customers, subscriptions,
// subscription events, payments). Runs once per database: the generated fans are the marker, and
// everything is written in one transaction, so a second run (or a crash half-way) adds nothing.
// Nothing is posted to anyone's inbox, and the demo accounts and content are never touched.
import { seedDemoFeedback } from './seed-feedback';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { config } from '../config';
import { rowsOf, type Database, type Queryable } from '../db';
import { recordSet } from '../db/batch';
import { hashPassword } from '../auth';
import { houseTimeZone } from '../house';
import { loadRules, loadTimeline } from '../loyalty';
import { createPlanner, FAN_EMAIL_DOMAIN, planMember, type MemberPlan } from './history-plan';

export interface HistoryOptions {
	members: number;
	seed?: number;
	now?: Date;
	/** Members planned and written per round (memory stays bounded for any size). */
	chunk?: number;
	onProgress?: (done: number, total: number) => void;
}

export interface HistoryReport {
	/** False when the history was already there (nothing written). */
	generated: boolean;
	members: number;
	engagements: number;
	tierChanges: number;
	subscriptions: number;
	subscriptionEvents: number;
	payments: number;
	ms: number;
}

/** Rows per INSERT: one JSON parameter each, well under any statement size limit. */
const ROWS_PER_STATEMENT = 4000;
const LOCK_KEY = 7_301_977; // any constant: one generator at a time per database

export const GENERATED_FAN_PATTERN = `fan-%@${FAN_EMAIL_DOMAIN}`;

export async function historyExists(db: Queryable): Promise<boolean> {
	const [row] = rowsOf<{ found: boolean }>(
		await db.execute(
			sql`select exists (select 1 from users where email like ${GENERATED_FAN_PATTERN}) as found`
		)
	);
	return !!row?.found;
}

export async function generateHistory(db: Database, options: HistoryOptions): Promise<HistoryReport> {
	const started = performance.now();
	const report: HistoryReport = {
		generated: false,
		members: 0,
		engagements: 0,
		tierChanges: 0,
		subscriptions: 0,
		subscriptionEvents: 0,
		payments: 0,
		ms: 0
	};
	const total = Math.max(0, Math.floor(options.members));
	if (total === 0 || (await historyExists(db))) return { ...report, ms: performance.now() - started };
	const now = options.now ?? new Date();
	const seed = options.seed ?? 7;
	const chunk = Math.max(1, options.chunk ?? 1000);
	// Nobody signs in as a generated fan: one hash of a password nobody knows keeps the column honest.
	const passwordHash = await hashPassword(randomBytes(24).toString('base64url'));

	await db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
		if (await historyExists(tx)) return;
		const [rules, timeline, tierRows, priceRows] = await Promise.all([
			loadRules(tx),
			loadTimeline(tx),
			tx.execute(
				sql`select rank, monthly_price_minor, yearly_price_minor, currency from tiers
					where monthly_price_minor is not null and yearly_price_minor is not null order by rank`
			),
			tx.execute(
				sql`select t.rank, p.interval, p.stripe_price_id from stripe_prices p join tiers t on t.id = p.tier_id`
			)
		]);
		const paid = rowsOf<{
			rank: number;
			monthly_price_minor: number;
			yearly_price_minor: number;
			currency: string;
		}>(tierRows);
		const prices = new Map(
			rowsOf<{ rank: number; interval: string; stripe_price_id: string }>(priceRows).map((p) => [
				`${p.rank}:${p.interval}`,
				p.stripe_price_id
			])
		);
		const currency = paid[0]?.currency ?? 'eur';
		const planner = createPlanner(
			{
				seed,
				now,
				timeZone: houseTimeZone(),
				graceDays: config.patronageGraceDays,
				rules,
				paidTiers: paid.map((t) => ({
					rank: t.rank,
					monthlyPriceMinor: t.monthly_price_minor,
					yearlyPriceMinor: t.yearly_price_minor
				})),
				currency,
				timeline
			},
			total
		);
		// The next slice is planned while the database writes the previous one.
		let writing: Promise<void> = Promise.resolve();
		for (let from = 1; from <= total; from += chunk) {
			const plans: MemberPlan[] = [];
			for (let n = from; n < from + chunk && n <= total; n++) plans.push(planMember(planner, n));
			await writing;
			const done = Math.min(total, from + chunk - 1);
			writing = writePlans(tx, plans, { passwordHash, currency, now, prices, report }).then(() =>
				options.onProgress?.(done, total)
			);
		}
		await writing;
		await seedDemoFeedback(tx, GENERATED_FAN_PATTERN, now);
		report.generated = true;
	});
	report.ms = performance.now() - started;
	return report;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function insertRows(
	tx: Queryable,
	table: string,
	columns: string,
	rows: readonly Record<string, unknown>[]
): Promise<void> {
	const names = columns
		.split(',')
		.map((c) => c.trim().split(/\s+/)[0])
		.join(', ');
	for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
		await tx.execute(
			sql`insert into ${sql.raw(table)} (${sql.raw(names)}) select ${sql.raw(names)} from ${recordSet('r', columns, rows.slice(i, i + ROWS_PER_STATEMENT))}`
		);
	}
}

async function writePlans(
	tx: Queryable,
	plans: readonly MemberPlan[],
	ctx: {
		passwordHash: string;
		currency: string;
		now: Date;
		prices: Map<string, string>;
		report: HistoryReport;
	}
): Promise<void> {
	const { report } = ctx;
	await insertRows(
		tx,
		'users',
		`id uuid, email text, display_name text, password_hash text, role role, consent_analytics boolean,
		consent_updated_at timestamptz, birthday_month int, birthday_day int, created_at timestamptz, updated_at timestamptz`,
		plans.map((m) => ({
			id: m.id,
			email: m.email,
			display_name: m.displayName,
			password_hash: ctx.passwordHash,
			role: 'fan',
			consent_analytics: m.consentAnalytics,
			consent_updated_at: iso(m.createdAt),
			birthday_month: m.birthday?.month ?? null,
			birthday_day: m.birthday?.day ?? null,
			created_at: iso(m.createdAt),
			updated_at: iso(m.createdAt)
		}))
	);
	report.members += plans.length;

	const engagements = plans.flatMap((m) =>
		m.entries.map((e) => ({
			member_id: m.id,
			kind: e.kind,
			object: e.object,
			points: e.points,
			occurred_at: iso(e.occurredAt),
			recorded_at: iso(e.occurredAt),
			day: e.day,
			source: e.source,
			idempotency_key: e.idempotencyKey,
			payload_hash: `demo-history:${e.idempotencyKey}`
		}))
	);
	await insertRows(
		tx,
		'engagements',
		`member_id uuid, kind text, object text, points int, occurred_at timestamptz, recorded_at timestamptz,
		day text, source text, idempotency_key text, payload_hash text`,
		engagements
	);
	report.engagements += engagements.length;

	await insertRows(
		tx,
		'member_tiers',
		`member_id uuid, earned_rank int, reached_at timestamptz, held_until timestamptz, last_event_at timestamptz,
		paid_rank int, paid_until timestamptz, rank int, updated_at timestamptz`,
		plans.map((m) => ({
			member_id: m.id,
			earned_rank: m.earned.rank,
			reached_at: iso(m.earned.reachedAt),
			held_until: iso(m.earned.heldUntil),
			last_event_at: iso(m.earned.lastEventAt),
			paid_rank: m.paid?.rank ?? null,
			paid_until: iso(m.paid?.until ?? null),
			rank: m.rank,
			updated_at: iso(ctx.now)
		}))
	);
	const changes = plans.flatMap((m) =>
		m.tierChanges.map((c) => ({
			member_id: m.id,
			from_rank: c.fromRank,
			to_rank: c.toRank,
			route: c.route,
			at: iso(c.at),
			recorded_at: iso(c.at)
		}))
	);
	await insertRows(
		tx,
		'tier_changes',
		'member_id uuid, from_rank int, to_rank int, route text, at timestamptz, recorded_at timestamptz',
		changes
	);
	report.tierChanges += changes.length;

	const patrons = plans.filter((m) => m.subscriptions.length > 0);
	if (patrons.length === 0) return;
	await insertRows(
		tx,
		'stripe_customers',
		'member_id uuid, stripe_customer_id text, created_at timestamptz',
		patrons.map((m) => ({
			member_id: m.id,
			stripe_customer_id: `cus_demo_${m.number}`,
			created_at: iso(m.subscriptions[0].createdAt)
		}))
	);
	const subscriptions = patrons.flatMap((m) =>
		m.subscriptions.map((s) => ({
			id: s.id,
			member_id: m.id,
			stripe_customer_id: `cus_demo_${m.number}`,
			status: s.status,
			tier_rank: s.tierRank,
			interval: s.interval,
			stripe_price_id:
				ctx.prices.get(`${s.tierRank}:${s.interval}`) ?? `price_demo_${s.tierRank}_${s.interval}`,
			amount_minor: s.amountMinor,
			currency: ctx.currency,
			current_period_end: iso(s.currentPeriodEnd),
			cancel_at_period_end: s.cancelAtPeriodEnd,
			cancel_at: iso(s.cancelAt),
			ended_at: iso(s.endedAt),
			past_due_since: iso(s.pastDueSince),
			granted_rank: s.grantedRank,
			granted_until: iso(s.grantedUntil),
			mrr_minor: s.mrrMinor,
			read_at_ms: s.updatedAt.getTime(),
			created_at: iso(s.createdAt),
			updated_at: iso(s.updatedAt)
		}))
	);
	await insertRows(
		tx,
		'patron_subscriptions',
		`id text, member_id uuid, stripe_customer_id text, status text, tier_rank int, interval text,
		stripe_price_id text, amount_minor int, currency text, current_period_end timestamptz,
		cancel_at_period_end boolean, cancel_at timestamptz, ended_at timestamptz, past_due_since timestamptz,
		granted_rank int, granted_until timestamptz, mrr_minor int, read_at_ms bigint, created_at timestamptz,
		updated_at timestamptz`,
		subscriptions
	);
	report.subscriptions += subscriptions.length;
	const events = patrons.flatMap((m) =>
		m.subscriptionEvents.map((e) => ({
			member_id: m.id,
			stripe_subscription_id: e.stripeSubscriptionId,
			kind: e.kind,
			from_rank: e.fromRank,
			to_rank: e.toRank,
			status: e.status,
			mrr_before_minor: e.mrrBeforeMinor,
			mrr_after_minor: e.mrrAfterMinor,
			mrr_delta_minor: e.mrrDeltaMinor,
			currency: ctx.currency,
			occurred_at: iso(e.occurredAt),
			recorded_at: iso(e.occurredAt)
		}))
	);
	await insertRows(
		tx,
		'subscription_events',
		`member_id uuid, stripe_subscription_id text, kind text, from_rank int, to_rank int, status text,
		mrr_before_minor int, mrr_after_minor int, mrr_delta_minor int, currency text, occurred_at timestamptz,
		recorded_at timestamptz`,
		events
	);
	report.subscriptionEvents += events.length;
	const payments = patrons.flatMap((m) =>
		m.payments.map((p) => ({
			member_id: m.id,
			external_id: p.externalId,
			kind: p.kind,
			stripe_subscription_id: p.stripeSubscriptionId,
			stripe_charge_id: p.stripeChargeId,
			tier_rank: p.tierRank,
			amount_minor: p.amountMinor,
			currency: ctx.currency,
			occurred_at: iso(p.occurredAt),
			recorded_at: iso(p.occurredAt)
		}))
	);
	await insertRows(
		tx,
		'payments',
		`member_id uuid, external_id text, kind text, stripe_subscription_id text, stripe_charge_id text,
		tier_rank int, amount_minor int, currency text, occurred_at timestamptz, recorded_at timestamptz`,
		payments
	);
	report.payments += payments.length;
}
