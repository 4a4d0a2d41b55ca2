// The demo history's plan: reproducible, within the year, long-tailed, within the earning caps,
// with subscription MRR that adds up and tier state exactly as the engine's replay computes it.
import { describe, expect, it } from 'vitest';
import {
	createPlanner,
	HISTORY_DAYS,
	mulberry32,
	planMember,
	type MemberPlan,
	type PlanSettings
} from '$lib/server/demo/history-plan';
import { dayKey, DEFAULT_RULES } from '$lib/server/loyalty/earning';
import { replay, timelineOf } from '$lib/server/loyalty/tier-state';
import { monthlyAmount } from '$lib/server/patronage/access';
import { DEFAULT_LADDER } from '$lib/server/loyalty/default-ladder';

const DAY = 86_400_000;
const NOW = new Date('2026-11-27T10:30:00.000Z');
const TZ = 'Europe/Brussels';
const timeline = timelineOf(
	DEFAULT_LADDER.map((t) => ({
		rank: t.rank!,
		name: t.name!,
		pointsThreshold: t.pointsThreshold ?? null,
		purchasable: t.monthlyPriceMinor != null
	}))
);
const settings = (seed: number): PlanSettings => ({
	seed,
	now: NOW,
	timeZone: TZ,
	graceDays: 7,
	rules: DEFAULT_RULES,
	paidTiers: DEFAULT_LADDER.filter((t) => t.monthlyPriceMinor).map((t) => ({
		rank: t.rank!,
		monthlyPriceMinor: t.monthlyPriceMinor!,
		yearlyPriceMinor: t.yearlyPriceMinor!
	})),
	currency: 'eur',
	timeline
});

const N = 1500;
const planner = createPlanner(settings(7), N);
const plans: MemberPlan[] = Array.from({ length: N }, (_, i) => planMember(planner, i + 1));
const rules = new Map(DEFAULT_RULES.map((r) => [r.kind, r]));

describe('the seeded PRNG', () => {
	it('repeats for a seed, differs between seeds and stays in [0, 1)', () => {
		const a = mulberry32(42);
		const b = mulberry32(42);
		const c = mulberry32(43);
		const xs = Array.from({ length: 1000 }, () => a());
		expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
		expect(xs.slice(0, 10)).not.toEqual(Array.from({ length: 10 }, () => c()));
		expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...xs)).toBeLessThan(1);
		const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
		expect(mean).toBeGreaterThan(0.45);
		expect(mean).toBeLessThan(0.55);
	});

	it('plans the same member the same way for the same seed, whatever else is planned', () => {
		const again = createPlanner(settings(7), N);
		expect(planMember(again, 42)).toEqual(plans[41]);
		expect(planMember(createPlanner(settings(8), N), 42).id).not.toBe(plans[41].id);
	});
});

describe('sign-ups', () => {
	const start = NOW.getTime() - HISTORY_DAYS * DAY;
	it('fall within the year, with unique ids and emails', () => {
		for (const m of plans) {
			expect(m.createdAt.getTime()).toBeGreaterThan(start);
			expect(m.createdAt.getTime()).toBeLessThanOrEqual(NOW.getTime() - 3_600_000);
			expect(m.email).toMatch(/^fan-\d{5,}@members\.encore\.demo$/);
		}
		expect(new Set(plans.map((m) => m.id)).size).toBe(N);
		expect(new Set(plans.map((m) => m.email)).size).toBe(N);
	});

	it('spike at launch and grow through the year', () => {
		const inDays = (from: number, to: number) =>
			plans.filter((m) => {
				const d = (m.createdAt.getTime() - start) / DAY;
				return d >= from && d < to;
			}).length;
		const perWeek = N / (HISTORY_DAYS / 7);
		expect(inDays(0, 7)).toBeGreaterThan(3 * perWeek);
		// After the launch weeks: the last quarter brings more fans than the second.
		expect(inDays(273, 364)).toBeGreaterThan(1.3 * inDays(91, 182));
	});

	it('never put an anniversary or birthday on the first day of the demo', () => {
		const today = dayKey(NOW, TZ);
		for (const m of plans) {
			const joined = dayKey(m.createdAt, TZ);
			if (joined !== today) expect(joined.slice(5)).not.toBe(today.slice(5));
			if (m.birthday) expect([m.birthday.month, m.birthday.day]).not.toEqual([11, 27]);
		}
	});
});

describe('engagement', () => {
	it('is long-tailed: most fans casual, a few super-fans', () => {
		const counts = plans.map((m) => m.entries.length).sort((a, b) => a - b);
		const total = counts.reduce((s, c) => s + c, 0);
		const median = counts[N >> 1];
		expect(total / N).toBeGreaterThan(40);
		expect(median).toBeLessThan(total / N);
		const top5 = counts.slice(Math.floor(N * 0.95)).reduce((s, c) => s + c, 0);
		expect(top5 / total).toBeGreaterThan(0.2);
		// A daily visit at most every day of the year.
		for (const m of plans)
			expect(m.entries.filter((e) => e.kind === 'daily_visit').length).toBeLessThanOrEqual(HISTORY_DAYS + 1);
	});

	it('follows a weekly rhythm: weekends busier than midweek', () => {
		const byWeekday = new Array(7).fill(0);
		for (const m of plans)
			for (const e of m.entries) if (e.kind === 'daily_visit') byWeekday[e.occurredAt.getUTCDay()]++;
		expect(byWeekday[6]).toBeGreaterThan(byWeekday[2]);
		expect(byWeekday[0]).toBeGreaterThan(byWeekday[1]);
	});

	it('uses real kinds and points, respects every cap, with unique keys and house-local days', () => {
		// Checked in plain code (an expect per entry of ~90,000 is slow), every breach collected.
		const breaches: string[] = [];
		const keys = new Set<string>();
		for (const m of plans) {
			const perDay = new Map<string, number>();
			const perObject = new Map<string, number>();
			for (const e of m.entries) {
				const rule = rules.get(e.kind);
				const where = `${m.email} ${e.idempotencyKey}`;
				if (!rule) {
					breaches.push(`${where}: unknown kind`);
					continue;
				}
				if (rule.perUnit ? e.points <= 0 : e.points !== rule.points) breaches.push(`${where}: points`);
				if (e.day !== dayKey(e.occurredAt, TZ)) breaches.push(`${where}: day`);
				if (e.occurredAt <= m.createdAt || e.occurredAt > NOW) breaches.push(`${where}: outside membership`);
				if (keys.has(e.idempotencyKey)) breaches.push(`${where}: key used twice`);
				keys.add(e.idempotencyKey);
				const d = `${e.kind}|${e.day}`;
				perDay.set(d, (perDay.get(d) ?? 0) + 1);
				if (rule.perDay !== null && perDay.get(d)! > rule.perDay) breaches.push(`${where}: daily cap`);
				if (e.object) {
					const o = `${e.kind}|${e.object}`;
					perObject.set(o, (perObject.get(o) ?? 0) + 1);
					if (rule.perObject !== null && perObject.get(o)! > rule.perObject)
						breaches.push(`${where}: per-object cap`);
				}
			}
		}
		expect(breaches.slice(0, 10)).toEqual([]);
		expect(keys.size).toBeGreaterThan(40 * N);
		const kinds = new Set(plans.flatMap((m) => m.entries.map((e) => e.kind)));
		// Every rule's kind but feedback's: the demo's feedback answers are written after the plan
		// (demo/history) and earn no points there.
		expect([...kinds].sort()).toEqual(
			DEFAULT_RULES.map((r) => r.kind)
				.filter((k) => k !== 'feedback_given')
				.sort()
		);
	});
});

describe('tiers', () => {
	it('are what the engine replays from the ledger, with a change log that adds up', () => {
		for (const m of plans) {
			expect(m.earned).toEqual(replay(m.entries, timeline));
			let rank = 0;
			for (const c of m.tierChanges) {
				expect(c.fromRank).toBe(rank);
				expect(c.toRank).not.toBe(rank);
				rank = c.toRank;
			}
			expect(rank).toBe(m.rank);
			expect(m.rank).toBe(Math.max(m.earned.rank, m.paid?.rank ?? 0));
			// No hold ends within a month of the demo's start (no wave of lapse warnings).
			if (m.earned.rank > 0) expect(m.earned.heldUntil!.getTime()).toBeGreaterThan(NOW.getTime() + 30 * DAY);
		}
	});

	it('form a funnel: listeners most, then fans, then insiders', () => {
		const byRank = [0, 1, 2, 3, 4].map((r) => plans.filter((m) => m.rank === r).length);
		expect(byRank[0]).toBeGreaterThan(byRank[1]);
		expect(byRank[1]).toBeGreaterThan(byRank[2]);
		expect(byRank[2]).toBeGreaterThan(byRank[4]);
		expect(byRank[3] + byRank[4]).toBeGreaterThan(0);
	});
});

describe('patronage', () => {
	const subs = plans.flatMap((m) => m.subscriptions.map((s) => ({ m, s })));

	it('has patrons on every paid tier and plan, with churn, upgrades, downgrades and failed payments', () => {
		const patrons = plans.filter((m) => m.subscriptions.length).length;
		expect(patrons / N).toBeGreaterThan(0.04);
		expect(patrons / N).toBeLessThan(0.2);
		expect(new Set(subs.map(({ s }) => s.tierRank))).toEqual(new Set([2, 3, 4]));
		expect(new Set(subs.map(({ s }) => s.interval))).toEqual(new Set(['month', 'year']));
		expect(new Set(subs.map(({ s }) => s.status))).toEqual(new Set(['active', 'canceled', 'past_due']));
		const kinds = new Set(plans.flatMap((m) => m.subscriptionEvents.map((e) => e.kind)));
		for (const k of [
			'started',
			'upgraded',
			'downgraded',
			'cancel_scheduled',
			'ended',
			'past_due',
			'recovered'
		])
			expect(kinds, k).toContain(k);
	});

	it('logs MRR consistently: each change starts where the last ended, yearly ÷ 12', () => {
		for (const { m, s } of subs) {
			const events = m.subscriptionEvents.filter((e) => e.stripeSubscriptionId === s.id);
			expect(events[0].kind).toBe('started');
			let mrr = 0;
			let last = 0;
			for (const e of events) {
				expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(last);
				last = e.occurredAt.getTime();
				expect(e.mrrBeforeMinor).toBe(mrr);
				expect(e.mrrDeltaMinor).toBe(e.mrrAfterMinor - e.mrrBeforeMinor);
				mrr = e.mrrAfterMinor;
			}
			expect(mrr).toBe(s.mrrMinor);
			expect(events[events.length - 1].toRank).toBe(s.grantedRank);
			if (s.grantedRank !== null) {
				expect(s.mrrMinor).toBe(monthlyAmount(s.amountMinor, s.interval));
				// Nothing falls due on the demo's first day.
				expect(s.grantedUntil!.getTime()).toBeGreaterThan(NOW.getTime() + DAY);
			} else expect(s.mrrMinor).toBe(0);
		}
		const yearly = subs.find(({ s }) => s.interval === 'year' && s.grantedRank !== null)!.s;
		expect(yearly.mrrMinor).toBe(Math.round(yearly.amountMinor / 12));
	});

	it('takes payments for invoices, refunds a few, and earns a point per euro', () => {
		for (const m of plans) {
			const paid = m.payments.filter((p) => p.kind === 'payment');
			for (const p of paid) {
				expect(p.amountMinor).toBeGreaterThan(0);
				const invoice = p.externalId.slice('invoice:'.length);
				const entry = m.entries.find((e) => e.object === `invoice:${invoice}`);
				expect(entry?.points).toBe(Math.floor(p.amountMinor / 100));
			}
			for (const r of m.payments.filter((p) => p.kind === 'refund')) {
				expect(r.amountMinor).toBeLessThan(0);
				expect(paid.some((p) => p.amountMinor === -r.amountMinor && p.occurredAt < r.occurredAt)).toBe(true);
			}
			// Every subscription was paid for when it started.
			for (const s of m.subscriptions)
				expect(
					paid.some(
						(p) => p.stripeSubscriptionId === s.id && p.occurredAt.getTime() === s.createdAt.getTime()
					)
				).toBe(true);
		}
		expect(plans.some((m) => m.payments.some((p) => p.kind === 'refund'))).toBe(true);
	});
});
