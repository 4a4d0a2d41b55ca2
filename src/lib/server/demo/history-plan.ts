// A year of plausible demo history, planned in memory: sign-ups, engagement, subscriptions and the
// tier movement they cause. Pure and reproducible: the same (seed, members, now) gives the same
// plan, and each member's part depends only on the seed and their number, so any size can be
// planned in slices. history.ts writes it to the database.
import {
	addMonths,
	effectiveRank,
	foldEngagement,
	INITIAL_STATE,
	reevaluate,
	windowPointsOf,
	type EarnedState,
	type PointEntry,
	type Timeline
} from '../loyalty/tier-state';
import { award, dayKey, type EarningRule } from '../loyalty/earning';
import { accessOf, monthlyAmount, paidGrantOf, wholeUnits, type ChangeKind } from '../patronage/access';
import type { BillingInterval } from '../db/schema/patronage';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The history covers the year before `now`, one day short, so no anniversary falls on its first day. */
export const HISTORY_DAYS = 364;
/** Ids of the history's drops, polls and shows start here, far above any the demo creates. */
export const HISTORY_OBJECT_BASE = 900_000;
export const FAN_EMAIL_DOMAIN = 'members.encore.demo';

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A seed for one stream (the calendar, member n) derived from the run's seed. */
export function streamSeed(seed: number, stream: number): number {
	let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream >>> 0, 0x85ebca77)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
	h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
	return (h ^ (h >>> 16)) >>> 0;
}

export type Rng = () => number;

/** Standard normal by Box–Muller. */
export function normal(rng: Rng): number {
	const u = 1 - rng();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function exponential(rng: Rng, mean: number): number {
	return -Math.log(1 - rng()) * mean;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
	return items[Math.floor(rng() * items.length)];
}

/**
 * A reproducible UUID (version-4 shaped) that sorts by member number: the seed's prefix, the
 * number, then the stream's bits. Each slice of members then lands at the end of the ledger's
 * member indexes instead of all over them, which makes writing millions of rows several times faster.
 */
export function uuidFor(seed: number, number: number, rng: Rng): string {
	const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0');
	const random = Array.from({ length: 19 }, () => Math.floor(rng() * 16).toString(16)).join('');
	const variant = ((parseInt(random[3], 16) & 0x3) | 0x8).toString(16);
	const s = `${hex(streamSeed(seed, 0x7ffffffe) >>> 16, 4)}${hex(number, 8)}4${random.slice(0, 3)}${variant}${random.slice(4)}`;
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------
// The house's year: drops, polls and shows, the same for every member

export interface CalendarItem {
	/** Number used in the object key, e.g. drop:900003. */
	id: number;
	at: Date;
}

export interface Show extends CalendarItem {
	slug: string;
	presaleOpensAt: Date;
}

export interface Calendar {
	start: Date;
	now: Date;
	drops: CalendarItem[];
	polls: CalendarItem[];
	shows: Show[];
	/** Sign-up weight per day of the history: growth, the launch spike, bumps around releases. */
	signupWeights: number[];
}

export function planCalendar(seed: number, now: Date): Calendar {
	const rng = mulberry32(streamSeed(seed, 0x7fffffff));
	const start = new Date(now.getTime() - HISTORY_DAYS * DAY);
	const at = (day: number, hour: number) => new Date(start.getTime() + day * DAY + hour * HOUR);
	const drops: CalendarItem[] = [];
	for (let d = 3 + Math.floor(rng() * 4); d < HISTORY_DAYS - 1; d += 3 + Math.floor(rng() * 4))
		drops.push({ id: HISTORY_OBJECT_BASE + drops.length + 1, at: at(d, 16 + rng() * 2) });
	const polls: CalendarItem[] = [];
	for (let d = 10 + Math.floor(rng() * 5); d < HISTORY_DAYS - 6; d += 14 + Math.floor(rng() * 10))
		polls.push({ id: HISTORY_OBJECT_BASE + polls.length + 1, at: at(d, 10) });
	const shows: Show[] = [];
	for (let d = 40 + Math.floor(rng() * 10); d < HISTORY_DAYS - 3; d += 35 + Math.floor(rng() * 20)) {
		const n = shows.length + 1;
		shows.push({
			id: HISTORY_OBJECT_BASE + n,
			slug: `history-show-${n}`,
			at: at(d, 19),
			presaleOpensAt: at(d - 21, 9)
		});
	}
	const signupWeights = Array.from({ length: HISTORY_DAYS }, (_, d) => {
		// Steady growth, a launch spike fading over the first weeks, weekends a little busier.
		let w = 0.5 + (1.5 * d) / HISTORY_DAYS + 14 * Math.exp(-d / 5);
		const weekday = new Date(start.getTime() + d * DAY).getUTCDay();
		if (weekday === 0 || weekday === 6) w *= 1.15;
		return w;
	});
	const bump = (item: Date, size: number) => {
		const d = Math.floor((item.getTime() - start.getTime()) / DAY);
		for (let k = 0; k < 3; k++) if (d + k < HISTORY_DAYS) signupWeights[d + k] += size / (k + 1);
	};
	for (const drop of drops) bump(drop.at, 0.8);
	for (const show of shows) bump(show.presaleOpensAt, 3);
	return { start, now, drops, polls, shows, signupWeights };
}

// ---------------------------------------------------------------------------------------------
// One member's year

export interface PlanSettings {
	seed: number;
	now: Date;
	timeZone: string;
	graceDays: number;
	rules: readonly EarningRule[];
	/** The paid tiers: rank and prices in minor units. */
	paidTiers: readonly { rank: number; monthlyPriceMinor: number; yearlyPriceMinor: number }[];
	currency: string;
	timeline: Timeline;
}

export interface PlannedEntry {
	kind: string;
	object: string | null;
	points: number;
	occurredAt: Date;
	day: string;
	source: string;
	idempotencyKey: string;
}

export interface PlannedSubscriptionEvent {
	stripeSubscriptionId: string;
	kind: ChangeKind;
	fromRank: number | null;
	toRank: number | null;
	status: string;
	mrrBeforeMinor: number;
	mrrAfterMinor: number;
	mrrDeltaMinor: number;
	occurredAt: Date;
}

export interface PlannedPayment {
	externalId: string;
	kind: 'payment' | 'refund';
	stripeSubscriptionId: string | null;
	stripeChargeId: string | null;
	tierRank: number | null;
	amountMinor: number;
	occurredAt: Date;
}

export interface PlannedSubscription {
	id: string;
	status: 'active' | 'past_due' | 'canceled';
	tierRank: number;
	interval: BillingInterval;
	amountMinor: number;
	currentPeriodEnd: Date;
	cancelAtPeriodEnd: boolean;
	cancelAt: Date | null;
	endedAt: Date | null;
	pastDueSince: Date | null;
	grantedRank: number | null;
	grantedUntil: Date | null;
	mrrMinor: number;
	createdAt: Date;
	updatedAt: Date;
}

export interface PlannedTierChange {
	fromRank: number;
	toRank: number;
	route: 'earned' | 'paid';
	at: Date;
}

export interface MemberPlan {
	number: number;
	id: string;
	email: string;
	displayName: string;
	createdAt: Date;
	consentAnalytics: boolean;
	birthday: { month: number; day: number } | null;
	/** Daily visit probability on an active day: the long tail's parameter. */
	intensity: number;
	entries: PlannedEntry[];
	subscriptions: PlannedSubscription[];
	subscriptionEvents: PlannedSubscriptionEvent[];
	payments: PlannedPayment[];
	earned: EarnedState;
	paid: { rank: number; until: Date } | null;
	rank: number;
	tierChanges: PlannedTierChange[];
}

const FIRST_NAMES = [
	'Ada', 'Bram', 'Chloé', 'Daan', 'Elif', 'Femke', 'Gust', 'Hanna', 'Ilias', 'Jana', 'Kobe', 'Lotte',
	'Milan', 'Nora', 'Omar', 'Pauline', 'Quinten', 'Rosa', 'Sami', 'Tess', 'Ugo', 'Vera', 'Wout', 'Yara',
	'Zoë', 'Arne', 'Lina', 'Jules', 'Marie', 'Noah', 'Fleur', 'Lucas', 'Amira', 'Seppe', 'Louise', 'Finn'
]; // prettier-ignore
const LAST_NAMES = [
	'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters',
	'De Smet', 'Dubois', 'Lambert', 'Dupont', 'Martin', 'Aydın', 'El Amrani', 'Nowak', 'Rossi', 'Costa',
	'Van Damme', 'Hermans', 'Verhoeven', 'Smits', 'Bakker', 'Visser', 'Moreau', 'Fontaine', 'Laurent'
]; // prettier-ignore

/** Engagement by weekday (Sunday first): weekends and Fridays busier. */
const WEEKDAY_FACTOR = [1.25, 0.8, 0.85, 0.9, 0.95, 1.15, 1.3];
/** Hour of day (UTC) weights: evenings in Europe. */
const HOUR_WEIGHTS = [
	1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 2.5, 2.5, 2.5, 3, 3.5, 3, 3, 3, 3.5, 4.5, 6, 7, 7, 6, 4, 2
];
const HOUR_TOTAL = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

function hourOfDay(rng: Rng): number {
	let r = rng() * HOUR_TOTAL;
	for (let h = 0; h < 24; h++) {
		r -= HOUR_WEIGHTS[h];
		if (r < 0) return h + rng();
	}
	return 23.5;
}

export function fanEmail(number: number, width: number): string {
	return `fan-${String(number).padStart(width, '0')}@${FAN_EMAIL_DOMAIN}`;
}

export function emailWidth(members: number): number {
	return Math.max(5, String(members).length);
}

/** Draws a day index from the sign-up weights (inverse CDF over the prefix sums). */
function signupDay(cumulative: readonly number[], rng: Rng): number {
	const r = rng() * cumulative[cumulative.length - 1];
	let lo = 0;
	let hi = cumulative.length - 1;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (cumulative[mid] > r) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

interface Candidate {
	kind: string;
	object: string | null;
	at: Date;
	units?: number;
	source: string;
	idempotencyKey: string;
}

interface Segment {
	subscription: string;
	from: Date;
	to: Date | null;
	rank: number;
}

/** What the planner shares across members: the calendar and look-ups built once. */
export interface Planner {
	settings: PlanSettings;
	calendar: Calendar;
	cumulative: number[];
	rules: Map<string, EarningRule>;
	width: number;
	dayOf: (at: Date) => string;
}

export function createPlanner(settings: PlanSettings, members: number): Planner {
	const calendar = planCalendar(settings.seed, settings.now);
	const cumulative: number[] = [];
	let sum = 0;
	for (const w of calendar.signupWeights) cumulative.push((sum += w));
	// Day keys by quarter hour: every time zone's midnight falls on one.
	const days = new Map<number, string>();
	const dayOf = (at: Date) => {
		const bucket = Math.floor(at.getTime() / 900_000);
		let day = days.get(bucket);
		if (!day) days.set(bucket, (day = dayKey(at, settings.timeZone)));
		return day;
	};
	return {
		settings,
		calendar,
		cumulative,
		rules: new Map(settings.rules.map((r) => [r.kind, r])),
		width: emailWidth(members),
		dayOf
	};
}

export function planMember(planner: Planner, number: number): MemberPlan {
	const { settings, calendar } = planner;
	const { now } = settings;
	const rng = mulberry32(streamSeed(settings.seed, number));
	const id = uuidFor(settings.seed, number, rng);
	const displayName = `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_NAMES)}`;

	// Sign-up: a day by the weights, an hour by the daily rhythm; never in the last hour, and
	// never on today's date a year ago (the anniversary moment would fire for a crowd at once).
	const day = signupDay(planner.cumulative, rng);
	let createdAt = new Date(
		Math.min(calendar.start.getTime() + day * DAY + hourOfDay(rng) * HOUR, now.getTime() - HOUR)
	);
	const today = planner.dayOf(now).slice(5);
	if (planner.dayOf(createdAt).slice(5) === today && planner.dayOf(createdAt) !== planner.dayOf(now))
		createdAt = new Date(createdAt.getTime() + DAY);

	// The long tail: most fans drop by now and then, a few come every day.
	const superFan = rng() < 0.03;
	const intensity = superFan
		? 0.75 + rng() * 0.22
		: Math.min(0.9, Math.max(0.004, Math.exp(-1.75 + 1.35 * normal(rng))));
	// Interest fades for many: the last day they take part (past `now` = still active).
	const activeUntil = new Date(createdAt.getTime() + exponential(rng, 150 + 900 * intensity) * DAY);
	const birthday = rng() < 0.4 ? plannedBirthday(rng, planner, now) : null;
	const consentAnalytics = rng() < 0.7;

	const candidates: Candidate[] = [];
	const end = Math.min(now.getTime() - 60_000, activeUntil.getTime());
	const inLife = (at: Date) => at.getTime() > createdAt.getTime() && at.getTime() <= end;
	// Zero-padded: keys sort by member, so each slice lands together in the key index.
	const fanId = String(number).padStart(planner.width, '0');

	// The first visit comes with the sign-up.
	candidates.push(visit(new Date(createdAt.getTime() + 60_000)));
	function visit(at: Date): Candidate {
		return {
			kind: 'daily_visit',
			object: null,
			at,
			source: 'portal',
			idempotencyKey: `visit:${planner.dayOf(at)}:${id}`
		};
	}
	const burst = new Map<number, number>();
	const addBurst = (at: Date, factor: number, days: number) => {
		const d = Math.floor((at.getTime() - calendar.start.getTime()) / DAY);
		for (let k = 0; k < days; k++) burst.set(d + k, Math.max(burst.get(d + k) ?? 1, factor / (k + 1)));
	};
	for (const drop of calendar.drops) addBurst(drop.at, 1.8, 2);
	for (const show of calendar.shows) {
		addBurst(show.presaleOpensAt, 2.4, 3);
		addBurst(show.at, 1.6, 1);
	}
	const firstDay = Math.floor((createdAt.getTime() - calendar.start.getTime()) / DAY) + 1;
	for (let d = firstDay; d < HISTORY_DAYS; d++) {
		const dayStart = calendar.start.getTime() + d * DAY;
		if (dayStart > end) break;
		const tenure = d - firstDay;
		const p =
			intensity *
			(0.65 + 0.35 * Math.exp(-tenure / 45)) *
			WEEKDAY_FACTOR[new Date(dayStart).getUTCDay()] *
			(burst.get(d) ?? 1);
		if (rng() < Math.min(0.98, p)) {
			const at = new Date(dayStart + hourOfDay(rng) * HOUR);
			if (inLife(at)) candidates.push(visit(at));
		}
	}

	for (const drop of calendar.drops) {
		if (rng() >= Math.min(0.95, 0.1 + 1.6 * intensity)) continue;
		const at = new Date(drop.at.getTime() + exponential(rng, 14) * HOUR);
		if (inLife(at))
			candidates.push({
				kind: 'drop_opened',
				object: `drop:${drop.id}`,
				at,
				source: 'portal',
				idempotencyKey: `demo-history:${fanId}:drop:${drop.id}`
			});
	}
	for (const poll of calendar.polls) {
		if (rng() >= Math.min(0.9, 0.04 + 1.3 * intensity)) continue;
		const at = new Date(poll.at.getTime() + rng() * 5 * DAY);
		if (inLife(at))
			candidates.push({
				kind: 'poll_vote',
				object: `poll:${poll.id}`,
				at,
				source: 'portal',
				idempotencyKey: `demo-history:${fanId}:poll:${poll.id}`
			});
	}
	for (const show of calendar.shows) {
		if (rng() >= Math.min(0.75, 0.01 + 0.9 * intensity)) continue;
		const claimed = new Date(show.presaleOpensAt.getTime() + exponential(rng, 10) * HOUR);
		if (!inLife(claimed)) continue;
		candidates.push({
			kind: 'presale_claim',
			object: `event:${show.id}`,
			at: claimed,
			source: 'portal',
			idempotencyKey: `demo-history:${fanId}:presale:${show.id}`
		});
		const doors = new Date(show.at.getTime() - HOUR + rng() * 2 * HOUR);
		if (rng() < 0.85 && doors.getTime() < now.getTime()) {
			const object = `venue:${show.slug}:${planner.dayOf(show.at)}`;
			candidates.push({
				kind: 'venue_checkin',
				object,
				at: doors,
				source: 'staff:door',
				idempotencyKey: `demo-history:${fanId}:checkin:${show.id}`
			});
		}
	}
	// Ideas: a few engaged fans suggest one now and then.
	const ideas = Math.floor(exponential(rng, 2.5 * intensity));
	for (let k = 0; k < ideas; k++) {
		const at = new Date(createdAt.getTime() + rng() * (end - createdAt.getTime()));
		const idea = number * 10 + k;
		if (inLife(at))
			candidates.push({
				kind: 'idea_submitted',
				object: `idea:${HISTORY_OBJECT_BASE * 10 + idea}`,
				at,
				source: 'portal',
				idempotencyKey: `demo-history:${fanId}:idea:${k}`
			});
	}
	// Referrals: friends who joined through a fan's link; the keenest bring the most.
	const referrals =
		rng() < 0.05 + 0.4 * intensity ? 1 + Math.floor(exponential(rng, superFan ? 14 : 1.5 * intensity)) : 0;
	for (let k = 0; k < referrals; k++) {
		const at = new Date(createdAt.getTime() + rng() * (end - createdAt.getTime()));
		if (inLife(at))
			candidates.push({
				kind: 'referral',
				object: `friend:${fanId}-${k + 1}`,
				at,
				source: 'system',
				idempotencyKey: `demo-history:${fanId}:referral:${k + 1}`
			});
	}
	if (birthday) {
		for (const year of [now.getUTCFullYear() - 1, now.getUTCFullYear()]) {
			const at = new Date(Date.UTC(year, birthday.month - 1, birthday.day, 7, 30));
			if (at.getTime() > createdAt.getTime() && at.getTime() < now.getTime() - DAY)
				candidates.push({
					kind: 'birthday',
					object: `birthday:${year}`,
					at,
					source: 'system',
					idempotencyKey: `birthday:${id}:${year}`
				});
		}
	}

	const patronage = planPatronage(planner, rng, number, createdAt, intensity);
	for (const p of patronage.payments) {
		if (p.kind !== 'payment') continue;
		const invoice = p.externalId.slice('invoice:'.length);
		candidates.push({
			kind: 'patronage',
			object: `invoice:${invoice}`,
			at: p.occurredAt,
			units: wholeUnits(p.amountMinor),
			source: 'stripe',
			idempotencyKey: `stripe:invoice:${invoice}`
		});
	}

	let entries = judgeCandidates(planner, candidates);
	// A fan on a tier whose last visit is nearly a year old would get a lapse warning on the demo's
	// first morning, together with everyone else from launch week: they came back once since.
	const last = entries[entries.length - 1];
	if (last && last.occurredAt.getTime() < now.getTime() - 330 * DAY) {
		const back = new Date(now.getTime() - (20 + rng() * 300) * DAY);
		entries = judgeCandidates(planner, [...candidates, visit(back)]);
	}
	const { earned, changes } = replaySteps(entries, settings.timeline, patronage.segments, now);
	const paid = patronage.paid;
	const rank = effectiveRank(earned.rank, paid, now).rank;
	return {
		number,
		id,
		email: fanEmail(number, planner.width),
		displayName,
		createdAt,
		consentAnalytics,
		birthday,
		intensity,
		entries,
		subscriptions: patronage.subscriptions,
		subscriptionEvents: patronage.events,
		payments: patronage.payments,
		earned,
		paid,
		rank,
		tierChanges: changes
	};
}

/** A birthday that is not around today (the birthday moment would fire on the demo's first day). */
function plannedBirthday(rng: Rng, planner: Planner, now: Date): { month: number; day: number } {
	const near = new Set([-1, 0, 1].map((k) => planner.dayOf(new Date(now.getTime() + k * DAY)).slice(5)));
	for (;;) {
		const month = 1 + Math.floor(rng() * 12);
		const day = 1 + Math.floor(rng() * 28);
		if (!near.has(`${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`)) return { month, day };
	}
}

/** The earning rules and their caps, in time order, exactly as the engine judges a batch. */
export function judgeCandidates(planner: Planner, candidates: readonly Candidate[]): PlannedEntry[] {
	const sorted = [...candidates].sort((a, b) => a.at.getTime() - b.at.getTime());
	const byDay = new Map<string, number>();
	const byObject = new Map<string, number>();
	const keys = new Set<string>();
	const entries: PlannedEntry[] = [];
	for (const c of sorted) {
		const rule = planner.rules.get(c.kind);
		if (!rule || keys.has(c.idempotencyKey)) continue;
		const day = planner.dayOf(c.at);
		const dayKeyOf = `${c.kind}\u0000${day}`;
		const objectKeyOf = `${c.kind}\u0000${c.object}`;
		const result = award(
			rule,
			{ today: byDay.get(dayKeyOf) ?? 0, forObject: c.object ? (byObject.get(objectKeyOf) ?? 0) : 0 },
			!!c.object,
			c.units
		);
		// Capped engagements earn nothing; the history leaves them out rather than log zeros.
		if (result.points <= 0) continue;
		byDay.set(dayKeyOf, (byDay.get(dayKeyOf) ?? 0) + 1);
		if (c.object) byObject.set(objectKeyOf, (byObject.get(objectKeyOf) ?? 0) + 1);
		keys.add(c.idempotencyKey);
		entries.push({
			kind: c.kind,
			object: c.object,
			points: result.points,
			occurredAt: c.at,
			day,
			source: c.source,
			idempotencyKey: c.idempotencyKey
		});
	}
	return entries;
}

/**
 * `replay` (tier-state.ts) step by step, with the paid tier beside it: the final earned state is
 * replay's, and every change of the effective tier is logged as the engine would have logged it.
 */
export function replaySteps(
	entries: readonly PlannedEntry[],
	timeline: Timeline,
	segments: readonly Segment[],
	now: Date
): { earned: EarnedState; changes: PlannedTierChange[] } {
	const points: PointEntry[] = entries.map((e) => ({ occurredAt: e.occurredAt, points: e.points }));
	const changes: PlannedTierChange[] = [];
	let state = INITIAL_STATE;
	let effective = 0;
	const paidAt = (t: number) => {
		let best: number | null = null;
		for (const s of segments)
			if (s.from.getTime() <= t && (s.to === null || s.to.getTime() > t) && (best === null || s.rank > best))
				best = s.rank;
		return best;
	};
	const settle = (at: Date) => {
		const paid = paidAt(at.getTime());
		const { rank, route } = effectiveRank(
			state.rank,
			paid === null ? null : { rank: paid, until: new Date(8.64e15) },
			at
		);
		if (rank !== effective) {
			changes.push({ fromRank: effective, toRank: rank, route, at });
			effective = rank;
		}
	};
	// Moments in time order: entries, ladder changes and the paid tier's edges.
	type Moment = { t: number; order: number; apply: (at: Date) => void };
	const moments: Moment[] = [];
	const pointsAt = windowPointsOf(points);
	const first = points.length ? points[0].occurredAt.getTime() : Infinity;
	for (const v of timeline.slice(1))
		if (v.at.getTime() > first)
			moments.push({
				t: v.at.getTime(),
				order: 0,
				apply: (at) => (state = reevaluate(state, at, timeline, pointsAt))
			});
	for (const e of points)
		moments.push({
			t: e.occurredAt.getTime(),
			order: 1,
			apply: (at) => (state = foldEngagement(state, at, pointsAt(at), timeline, pointsAt))
		});
	for (const s of segments) {
		moments.push({ t: s.from.getTime(), order: 2, apply: () => {} });
		if (s.to && s.to.getTime() <= now.getTime())
			moments.push({ t: s.to.getTime(), order: 2, apply: () => {} });
	}
	moments.sort((a, b) => a.t - b.t || a.order - b.order);
	for (const m of moments) {
		const at = new Date(m.t);
		m.apply(at);
		settle(at);
	}
	return { earned: state, changes };
}

// ---------------------------------------------------------------------------------------------
// Patronage: subscriptions with renewals, plan changes, failed payments and cancellations

interface PatronagePlan {
	subscriptions: PlannedSubscription[];
	events: PlannedSubscriptionEvent[];
	payments: PlannedPayment[];
	segments: Segment[];
	paid: { rank: number; until: Date } | null;
}

export function planPatronage(
	planner: Planner,
	rng: Rng,
	number: number,
	createdAt: Date,
	intensity: number
): PatronagePlan {
	const { now, graceDays } = planner.settings;
	const plan: PatronagePlan = { subscriptions: [], events: [], payments: [], segments: [], paid: null };
	const tiers = [...planner.settings.paidTiers].sort((a, b) => a.rank - b.rank);
	if (tiers.length === 0 || rng() >= 0.02 + 0.3 * intensity) return plan;
	let startAt = new Date(createdAt.getTime() + exponential(rng, 35) * DAY);
	for (let n = 1; n <= 3 && startAt.getTime() < now.getTime() - 2 * DAY; n++) {
		const r = rng();
		const tierIndex = Math.min(tiers.length - 1, r < 0.62 - 0.2 * intensity ? 0 : r < 0.92 ? 1 : 2);
		const interval: BillingInterval = rng() < 0.25 ? 'year' : 'month';
		const endedAt = planSubscription(
			plan,
			planner,
			rng,
			`${String(number).padStart(planner.width, '0')}_${n}`,
			tiers,
			tierIndex,
			interval,
			startAt
		);
		if (!endedAt || rng() >= 0.2) break;
		// Some come back a while after they left.
		startAt = new Date(endedAt.getTime() + (25 + rng() * 90) * DAY);
	}
	const grants = plan.subscriptions.flatMap((s) => {
		const access = accessOf({ ...s, disputedAt: null }, graceDays, now);
		return access.grants ? [{ rank: s.tierRank, until: access.until }] : [];
	});
	plan.paid = paidGrantOf(grants);
	return plan;
}

/** One subscription's life; returns when it stopped granting (null while it lives on). */
function planSubscription(
	plan: PatronagePlan,
	planner: Planner,
	rng: Rng,
	key: string,
	tiers: readonly { rank: number; monthlyPriceMinor: number; yearlyPriceMinor: number }[],
	firstTier: number,
	firstInterval: BillingInterval,
	startAt: Date
): Date | null {
	const { now, graceDays } = planner.settings;
	const id = `sub_demo_${key}`;
	let tierIndex = firstTier;
	let interval = firstInterval;
	const price = () =>
		interval === 'year' ? tiers[tierIndex].yearlyPriceMinor : tiers[tierIndex].monthlyPriceMinor;
	const mrr = () => monthlyAmount(price(), interval);
	let invoices = 0;
	let granted: number | null = null;
	let grantedMrr = 0;
	let lastAt = startAt;
	let segmentFrom = startAt;
	const event = (kind: ChangeKind, at: Date, after: { rank: number | null; mrr: number; status: string }) => {
		plan.events.push({
			stripeSubscriptionId: id,
			kind,
			fromRank: granted,
			toRank: after.rank,
			status: after.status,
			mrrBeforeMinor: grantedMrr,
			mrrAfterMinor: after.mrr,
			mrrDeltaMinor: after.mrr - grantedMrr,
			occurredAt: at
		});
		if (after.rank !== granted) {
			if (granted !== null)
				plan.segments.push({ subscription: id, from: segmentFrom, to: at, rank: granted });
			segmentFrom = at;
		}
		granted = after.rank;
		grantedMrr = after.mrr;
		lastAt = at;
	};
	const pay = (at: Date, amount: number) => {
		if (amount <= 0) return; // nothing to collect (a prorated change on its last day)
		const invoice = `in_demo_${key}_${++invoices}`;
		plan.payments.push({
			externalId: `invoice:${invoice}`,
			kind: 'payment',
			stripeSubscriptionId: id,
			stripeChargeId: null,
			tierRank: tiers[tierIndex].rank,
			amountMinor: amount,
			occurredAt: at
		});
		// Now and then a payment is refunded in full a few days later.
		const refundAt = new Date(at.getTime() + (1 + rng() * 9) * DAY);
		if (rng() < 0.015 && refundAt.getTime() < now.getTime() - HOUR) {
			const charge = `ch_demo_${key}_${invoices}`;
			plan.payments.push({
				externalId: `refund:${charge}:${amount}`,
				kind: 'refund',
				stripeSubscriptionId: null,
				stripeChargeId: charge,
				tierRank: null,
				amountMinor: -amount,
				occurredAt: refundAt
			});
		}
	};

	pay(startAt, price());
	event('started', startAt, { rank: tiers[tierIndex].rank, mrr: mrr(), status: 'active' });
	let status: PlannedSubscription['status'] = 'active';
	let periodStart = startAt;
	let periodEnd: Date;
	let cancelScheduled = false;
	let pastDueSince: Date | null = null;
	let endedAt: Date | null = null;
	let stoppedGranting: Date | null = null;
	for (;;) {
		periodEnd = addMonths(periodStart, interval === 'year' ? 12 : 1);
		const monthly = interval === 'month';
		// Something may happen during the period: a cancellation, an upgrade, a downgrade.
		const length = periodEnd.getTime() - periodStart.getTime();
		const at = new Date(
			Math.max(lastAt.getTime() + HOUR, periodStart.getTime() + (0.1 + rng() * 0.8) * length)
		);
		const r = rng();
		const cancelOdds = monthly ? 0.055 : 0.3;
		const upgradeOdds = cancelOdds + (monthly ? 0.035 : 0.08);
		// Nothing is left to fall due within a day of now: the demo's first scheduler tick finds no work.
		if (
			at < periodEnd &&
			at.getTime() < now.getTime() - HOUR &&
			Math.abs(periodEnd.getTime() - now.getTime()) > DAY
		) {
			if (r < cancelOdds) {
				cancelScheduled = true;
				event('cancel_scheduled', at, { rank: granted, mrr: grantedMrr, status: 'active' });
				const withdrawAt = new Date(at.getTime() + (1 + rng() * 6) * DAY);
				if (rng() < 0.15 && withdrawAt < periodEnd && withdrawAt.getTime() < now.getTime() - HOUR) {
					cancelScheduled = false;
					event('cancel_withdrawn', withdrawAt, { rank: granted, mrr: grantedMrr, status: 'active' });
				}
			} else if (r < upgradeOdds && tierIndex < tiers.length - 1) {
				const before = price();
				const fraction = (periodEnd.getTime() - at.getTime()) / length;
				tierIndex++;
				pay(at, Math.max(0, Math.round((price() - before) * fraction)));
				event('upgraded', at, { rank: tiers[tierIndex].rank, mrr: mrr(), status: 'active' });
			} else if (r < upgradeOdds + 0.03 && monthly && tierIndex > 0) {
				tierIndex--;
				event('downgraded', at, { rank: tiers[tierIndex].rank, mrr: mrr(), status: 'active' });
			}
		}
		if (periodEnd.getTime() > now.getTime()) break;
		if (cancelScheduled) {
			event('ended', periodEnd, { rank: null, mrr: 0, status: 'canceled' });
			status = 'canceled';
			endedAt = stoppedGranting = periodEnd;
			cancelScheduled = false;
			break;
		}
		// Renewal: now and then onto the yearly plan; now and then the card fails.
		periodStart = periodEnd;
		if (monthly && rng() < 0.02) {
			interval = 'year';
			event('plan_changed', periodStart, { rank: granted, mrr: mrr(), status: 'active' });
		}
		if (rng() < 0.05) {
			const graceOver = new Date(periodStart.getTime() + graceDays * DAY);
			event('past_due', periodStart, { rank: granted, mrr: grantedMrr, status: 'past_due' });
			if (rng() < 0.6 || Math.abs(graceOver.getTime() - now.getTime()) < DAY) {
				const back = new Date(
					Math.min(
						periodStart.getTime() + (0.5 + rng() * 4.5) * DAY,
						(periodStart.getTime() + now.getTime()) / 2
					)
				);
				pay(back, price());
				event('recovered', back, { rank: granted, mrr: grantedMrr, status: 'active' });
				continue;
			}
			pastDueSince = periodStart;
			status = 'past_due';
			periodEnd = addMonths(periodStart, interval === 'year' ? 12 : 1);
			if (graceOver.getTime() > now.getTime()) break; // in grace today: granting, counted in MRR
			// Grace ran out: access and MRR end; Stripe cancels when its retries are done.
			event('ended', graceOver, { rank: null, mrr: 0, status: 'past_due' });
			stoppedGranting = graceOver;
			const givesUp = new Date(periodStart.getTime() + 21 * DAY);
			if (givesUp.getTime() <= now.getTime()) {
				status = 'canceled';
				endedAt = givesUp;
				pastDueSince = null;
			}
			break;
		}
		pay(periodStart, price());
	}
	if (granted !== null) plan.segments.push({ subscription: id, from: segmentFrom, to: null, rank: granted });
	const state = {
		status,
		tierRank: tiers[tierIndex].rank,
		currentPeriodEnd: periodEnd,
		cancelAtPeriodEnd: cancelScheduled,
		cancelAt: cancelScheduled ? periodEnd : null,
		pastDueSince
	};
	const access = accessOf({ ...state, disputedAt: null }, graceDays, now);
	plan.subscriptions.push({
		id,
		...state,
		status,
		interval,
		amountMinor: price(),
		endedAt,
		grantedRank: access.grants ? state.tierRank : null,
		grantedUntil: access.grants ? access.until : null,
		mrrMinor: grantedMrr,
		createdAt: startAt,
		updatedAt: lastAt
	});
	return stoppedGranting;
}
