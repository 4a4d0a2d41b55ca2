// The maturity metrics as plain formulas, no I/O. Days are house-local calendar days
// ("2026-11-27"). Each metric comes in two halves: facts about members (per member, or the same
// shape grouped with a `count`, which is what the database side hands over) and the fold that
// turns facts into the figures the page shows. The definitions list (definitions.ts) says in
// words what these compute.

/** Ledger kinds that are not something the member did: they never count as engagement. */
export const NOT_ENGAGEMENT = ['staff_adjustment', 'birthday'] as const;
/** A member is engaged on a day when they have an engagement in the 30 days ending that day. */
export const ENGAGED_WINDOW_DAYS = 30;
/** Average month length, for turning a period's rate into a monthly one. */
export const DAYS_PER_MONTH = 365.25 / 12;

// ---------------------------------------------------------------------------------------------
// Days

const DAY_MS = 86_400_000;
const toUtc = (day: string) => Date.parse(`${day}T00:00:00Z`);

export function addDays(day: string, n: number): string {
	return new Date(toUtc(day) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
	return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

/** Every day in [from, to). */
export function eachDay(from: string, to: string): string[] {
	const days: string[] = [];
	for (let d = from; d < to; d = addDays(d, 1)) days.push(d);
	return days;
}

/** "2026-11" for a day. */
export const monthOf = (day: string) => day.slice(0, 7);

/** Whole months from one "YYYY-MM" to another. */
export function monthsBetween(from: string, to: string): number {
	const [fy, fm] = from.split('-').map(Number);
	const [ty, tm] = to.split('-').map(Number);
	return (ty - fy) * 12 + (tm - fm);
}

/** Every month touched by [from, to). */
export function eachMonth(from: string, to: string): string[] {
	const months: string[] = [];
	const last = monthOf(addDays(to, -1));
	for (let m = monthOf(from); m <= last;) {
		months.push(m);
		const [y, mm] = m.split('-').map(Number);
		m = mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
	}
	return months;
}

/** A share, or null when there is nothing to divide by (the page shows "—", never NaN). */
export function rate(part: number, whole: number): number | null {
	return whole > 0 ? part / whole : null;
}

// ---------------------------------------------------------------------------------------------
// History (what the database holds, as plain rows)

export interface MemberFact {
	id: string;
	/** Sign-up day. */
	joined: string;
}

export interface TierChangeFact {
	memberId: string;
	day: string;
	/** Order of changes on the same day (the row id). */
	seq: number;
	fromRank: number;
	toRank: number;
	route: string;
}

export interface EngagementFact {
	memberId: string;
	kind: string;
	day: string;
	object?: string | null;
}

function changesByMember(changes: readonly TierChangeFact[]): Map<string, TierChangeFact[]> {
	const byMember = new Map<string, TierChangeFact[]>();
	for (const c of [...changes].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.seq - b.seq))) {
		const list = byMember.get(c.memberId) ?? [];
		list.push(c);
		byMember.set(c.memberId, list);
	}
	return byMember;
}

/** The member's tier at the end of `day`: the last change on or before it, Listener (0) before any. */
export function tierOnDay(changes: readonly TierChangeFact[], day: string): number {
	let rank = 0;
	for (const c of changes) if (c.day <= day) rank = c.toRank;
	return rank;
}

// ---------------------------------------------------------------------------------------------
// Members per tier, engagement rate

/** Members signed up by the end of `day`, by their tier at the end of it. */
export function membersPerTierOnDay(
	members: readonly MemberFact[],
	changes: readonly TierChangeFact[],
	day: string
): Map<number, number> {
	const byMember = changesByMember(changes);
	const counts = new Map<number, number>();
	for (const m of members) {
		if (m.joined > day) continue;
		const rank = tierOnDay(byMember.get(m.id) ?? [], day);
		counts.set(rank, (counts.get(rank) ?? 0) + 1);
	}
	return counts;
}

export interface TierEngagement {
	rank: number;
	members: number;
	engaged: number;
}

/** Per tier on `day`: members, and those with an engagement in the 30 days ending that day. */
export function engagementOnDay(
	members: readonly MemberFact[],
	changes: readonly TierChangeFact[],
	engagements: readonly EngagementFact[],
	day: string
): TierEngagement[] {
	const byMember = changesByMember(changes);
	const windowStart = addDays(day, -(ENGAGED_WINDOW_DAYS - 1));
	const active = new Set(
		engagements
			.filter((e) => e.day >= windowStart && e.day <= day && !isNotEngagement(e.kind))
			.map((e) => e.memberId)
	);
	const rows = new Map<number, TierEngagement>();
	for (const m of members) {
		if (m.joined > day) continue;
		const rank = tierOnDay(byMember.get(m.id) ?? [], day);
		const row = rows.get(rank) ?? { rank, members: 0, engaged: 0 };
		row.members++;
		if (active.has(m.id)) row.engaged++;
		rows.set(rank, row);
	}
	return [...rows.values()].sort((a, b) => a.rank - b.rank);
}

export const isNotEngagement = (kind: string) => (NOT_ENGAGEMENT as readonly string[]).includes(kind);

/** The engagement rate of each tier. */
export function engagementRates(
	rows: readonly TierEngagement[]
): (TierEngagement & { rate: number | null })[] {
	return rows.map((r) => ({ ...r, rate: rate(r.engaged, r.members) }));
}

// ---------------------------------------------------------------------------------------------
// Conversion between tiers

/** What one member did in a period, for conversion: where they started and whether they moved up. */
export interface ConversionFact {
	startRank: number;
	/** Route of the first change in the period that took them above `startRank`; null: never. */
	upRoute: string | null;
	count: number;
}

/**
 * Per member: the tier at the start of [from, to) (the end of the day before; Listener for
 * members who signed up within the period) and the first move above it within the period.
 */
export function conversionFacts(
	members: readonly MemberFact[],
	changes: readonly TierChangeFact[],
	from: string,
	to: string
): ConversionFact[] {
	const byMember = changesByMember(changes);
	const facts: ConversionFact[] = [];
	for (const m of members) {
		if (m.joined >= to) continue;
		const history = byMember.get(m.id) ?? [];
		const startRank = m.joined >= from ? 0 : tierOnDay(history, addDays(from, -1));
		const up = history.find((c) => c.day >= from && c.day < to && c.toRank > startRank);
		facts.push({ startRank, upRoute: up?.route ?? null, count: 1 });
	}
	return facts;
}

export interface ConversionRow {
	fromRank: number;
	cohort: number;
	earned: number;
	paid: number;
	/** Moves up by another route (a comp, say). */
	other: number;
	converted: number;
	rate: number | null;
	earnedRate: number | null;
	paidRate: number | null;
}

/** Conversion from each tier below the top: the share of its members at the start who moved up. */
export function conversionByTier(
	facts: readonly ConversionFact[],
	ranks: readonly number[]
): ConversionRow[] {
	const top = Math.max(...ranks);
	return ranks
		.filter((k) => k < top)
		.map((k) => {
			let cohort = 0;
			let earned = 0;
			let paid = 0;
			let other = 0;
			for (const f of facts) {
				if (f.startRank !== k) continue;
				cohort += f.count;
				if (f.upRoute === 'earned') earned += f.count;
				else if (f.upRoute === 'paid') paid += f.count;
				else if (f.upRoute !== null) other += f.count;
			}
			const converted = earned + paid + other;
			return {
				fromRank: k,
				cohort,
				earned,
				paid,
				other,
				converted,
				rate: rate(converted, cohort),
				earnedRate: rate(earned, cohort),
				paidRate: rate(paid, cohort)
			};
		});
}

// ---------------------------------------------------------------------------------------------
// Churn by tier, and monthly cohorts

export interface ChurnFact {
	/** The tier held at the start of the period (≥ 1: Listener cannot be left). */
	startRank: number;
	/** Whether they fell below it within the period. */
	left: boolean;
	count: number;
}

/** Per member holding a tier above Listener at the start of [from, to): did they fall below it? */
export function churnFacts(
	members: readonly MemberFact[],
	changes: readonly TierChangeFact[],
	from: string,
	to: string
): ChurnFact[] {
	const byMember = changesByMember(changes);
	const facts: ChurnFact[] = [];
	for (const m of members) {
		if (m.joined >= from) continue;
		const history = byMember.get(m.id) ?? [];
		const startRank = tierOnDay(history, addDays(from, -1));
		if (startRank === 0) continue;
		const left = history.some((c) => c.day >= from && c.day < to && c.toRank < startRank);
		facts.push({ startRank, left, count: 1 });
	}
	return facts;
}

export interface ChurnRow {
	rank: number;
	cohort: number;
	left: number;
	rate: number | null;
	/** The period's rate as a monthly one: 1 − (1 − rate)^(30.44 / days). */
	monthly: number | null;
}

export function churnByTier(facts: readonly ChurnFact[], ranks: readonly number[], days: number): ChurnRow[] {
	return ranks
		.filter((k) => k > 0)
		.map((k) => {
			let cohort = 0;
			let left = 0;
			for (const f of facts) {
				if (f.startRank !== k) continue;
				cohort += f.count;
				if (f.left) left += f.count;
			}
			const r = rate(left, cohort);
			return { rank: k, cohort, left, rate: r, monthly: r === null ? null : monthlyRate(r, days) };
		});
}

/** A rate over `days` as the rate per average month that compounds to it. */
export function monthlyRate(periodRate: number, days: number): number {
	if (days <= 0) return 0;
	if (periodRate >= 1) return 1;
	return 1 - Math.pow(1 - periodRate, DAYS_PER_MONTH / days);
}

export interface CohortFact {
	rank: number;
	/** Month the member entered the tier (moved up into it). */
	cohort: string;
	/** Month they first fell below it afterwards; null: still held (as far as the history goes). */
	leftMonth: string | null;
	count: number;
}

/**
 * Members entering each tier in each month of [from, to), and the month they first fell below it
 * before `to` (a member entering twice in a month counts once, by their first entry).
 */
export function cohortFacts(
	members: readonly MemberFact[],
	changes: readonly TierChangeFact[],
	from: string,
	to: string
): CohortFact[] {
	const byMember = changesByMember(changes);
	const facts: CohortFact[] = [];
	for (const m of members) {
		const history = byMember.get(m.id) ?? [];
		const seen = new Set<string>();
		history.forEach((c, i) => {
			if (c.day < from || c.day >= to || c.toRank <= c.fromRank || c.toRank === 0) return;
			const key = `${c.toRank}:${monthOf(c.day)}`;
			if (seen.has(key)) return;
			seen.add(key);
			const fell = history.slice(i + 1).find((d) => d.day < to && d.toRank < c.toRank);
			facts.push({
				rank: c.toRank,
				cohort: monthOf(c.day),
				leftMonth: fell ? monthOf(fell.day) : null,
				count: 1
			});
		});
	}
	return facts;
}

export interface CohortRow {
	rank: number;
	cohort: string;
	entered: number;
	/** Share still holding the tier at the end of month 0, 1, 2… after entering (up to the period's end). */
	retained: (number | null)[];
}

/** The cohort triangle: one row per tier and month, retention by month since entry. */
export function cohortTable(facts: readonly CohortFact[], months: readonly string[]): CohortRow[] {
	const rows = new Map<string, { rank: number; cohort: string; entered: number; leftAt: number[] }>();
	for (const f of facts) {
		const key = `${f.rank}:${f.cohort}`;
		const row = rows.get(key) ?? { rank: f.rank, cohort: f.cohort, entered: 0, leftAt: [] };
		row.entered += f.count;
		if (f.leftMonth !== null) {
			const offset = monthsBetween(f.cohort, f.leftMonth);
			for (let i = 0; i < f.count; i++) row.leftAt.push(offset);
		}
		rows.set(key, row);
	}
	const last = months.at(-1) ?? '';
	return [...rows.values()]
		.sort((a, b) => a.rank - b.rank || (a.cohort < b.cohort ? -1 : 1))
		.map((row) => {
			const span = last ? monthsBetween(row.cohort, last) : 0;
			const retained: (number | null)[] = [];
			for (let n = 0; n <= span; n++) {
				const gone = row.leftAt.filter((o) => o <= n).length;
				retained.push(rate(row.entered - gone, row.entered));
			}
			return { rank: row.rank, cohort: row.cohort, entered: row.entered, retained };
		});
}

// ---------------------------------------------------------------------------------------------
// MRR and its movement

export type MrrMovementKind = 'new' | 'expansion' | 'contraction' | 'churn' | 'none';

/** What one subscription event did to recurring revenue. */
export function classifyMrrChange(beforeMinor: number, afterMinor: number): MrrMovementKind {
	if (afterMinor === beforeMinor) return 'none';
	if (beforeMinor === 0) return 'new';
	if (afterMinor === 0) return 'churn';
	return afterMinor > beforeMinor ? 'expansion' : 'contraction';
}

export interface MrrChangeFact {
	beforeMinor: number;
	afterMinor: number;
	count: number;
}

export interface MrrMovement {
	new: number;
	expansion: number;
	/** Positive amounts: revenue lost. */
	contraction: number;
	churn: number;
	net: number;
}

/** New, expansion, contraction and churn over a period; net = opening − closing MRR difference. */
export function mrrMovement(facts: readonly MrrChangeFact[]): MrrMovement {
	const m: MrrMovement = { new: 0, expansion: 0, contraction: 0, churn: 0, net: 0 };
	for (const f of facts) {
		const delta = (f.afterMinor - f.beforeMinor) * f.count;
		const kind = classifyMrrChange(f.beforeMinor, f.afterMinor);
		if (kind === 'new' || kind === 'expansion') m[kind] += delta;
		else if (kind === 'contraction' || kind === 'churn') m[kind] -= delta;
		m.net += delta;
	}
	return m;
}

// ---------------------------------------------------------------------------------------------
// Lifetime value

export interface LtvInput {
	rank: number;
	/** Money received at this tier to date (refunds subtracted), and the members it came from. */
	revenueMinor: number;
	payers: number;
	/** Recurring revenue and paying members at this tier at the end of the period. */
	mrrMinor: number;
	paying: number;
	/** Paying members at the start of the period, and those whose revenue ended within it. */
	payingAtStart: number;
	ended: number;
	days: number;
}

export interface LtvRow {
	rank: number;
	toDateMinor: number | null;
	arpuMinor: number | null;
	monthlyChurn: number | null;
	lifetimeMonths: number | null;
	projectedMinor: number | null;
}

/**
 * Lifetime value per member of a tier: to date = revenue ÷ payers; projected = average monthly
 * revenue per paying member × expected lifetime (1 ÷ monthly churn). No churn seen: no projection.
 */
export function lifetimeValue(input: LtvInput): LtvRow {
	const toDate = input.payers > 0 ? Math.round(input.revenueMinor / input.payers) : null;
	const arpu = input.paying > 0 ? Math.round(input.mrrMinor / input.paying) : null;
	const periodChurn = rate(input.ended, input.payingAtStart);
	const monthlyChurn = periodChurn === null ? null : monthlyRate(periodChurn, input.days);
	const lifetimeMonths = monthlyChurn ? 1 / monthlyChurn : null;
	return {
		rank: input.rank,
		toDateMinor: toDate,
		arpuMinor: arpu,
		monthlyChurn,
		lifetimeMonths,
		projectedMinor: arpu !== null && lifetimeMonths !== null ? Math.round(arpu * lifetimeMonths) : null
	};
}
