// Earning rules: how many points an engagement is worth and the caps that stop farming. Pure.
import { calendarDay } from '$lib/time';

export interface EarningRule {
	kind: string;
	label: string;
	/** Points per engagement (for per-unit kinds such as patronage: per whole unit). */
	points: number;
	/** Rewarded engagements of this kind per member per day; null = no cap. */
	perDay: number | null;
	/** Rewarded engagements of this kind per member per object, ever; null = no cap. */
	perObject: number | null;
	/** Points come from the amount (patronage: 1 per euro) rather than a fixed value. */
	perUnit: boolean;
	active: boolean;
}

export const DEFAULT_RULES: EarningRule[] = [
	{
		kind: 'daily_visit',
		label: 'Daily visit',
		points: 5,
		perDay: 1,
		perObject: null,
		perUnit: false,
		active: true
	},
	{
		kind: 'drop_opened',
		label: 'Opened a drop',
		points: 2,
		perDay: 10,
		perObject: 1,
		perUnit: false,
		active: true
	},
	{
		kind: 'poll_vote',
		label: 'Voted in a poll',
		points: 20,
		perDay: null,
		perObject: 1,
		perUnit: false,
		active: true
	},
	{
		kind: 'idea_submitted',
		label: 'Suggested an idea',
		points: 15,
		perDay: 3,
		perObject: 1,
		perUnit: false,
		active: true
	},
	{
		kind: 'presale_claim',
		label: 'Claimed presale tickets',
		points: 50,
		perDay: null,
		perObject: 1,
		perUnit: false,
		active: true
	},
	{
		kind: 'venue_checkin',
		label: 'Checked in at a show',
		points: 100,
		perDay: 1,
		perObject: 1,
		perUnit: false,
		active: true
	},
	{
		kind: 'referral',
		label: 'A friend you invited joined',
		points: 150,
		perDay: null,
		perObject: 1,
		perUnit: false,
		active: true
	},
	{
		kind: 'patronage',
		label: 'Patronage payment',
		points: 1,
		perDay: null,
		perObject: 1,
		perUnit: true,
		active: true
	},
	{
		kind: 'feedback_given',
		label: 'Answered a quick question',
		points: 5,
		perDay: 1,
		perObject: 1,
		perUnit: false,
		active: true
	},
	{
		kind: 'birthday',
		label: 'Birthday bonus',
		points: 50,
		perDay: null,
		perObject: 1,
		perUnit: false,
		active: true
	}
];

/** What a per-object cap counts, in the fans' words ("once per drop"). */
export const OBJECT_NOUNS: Record<string, string> = {
	drop_opened: 'drop',
	poll_vote: 'poll',
	idea_submitted: 'idea',
	presale_claim: 'presale',
	venue_checkin: 'show',
	referral: 'friend',
	patronage: 'payment',
	birthday: 'year',
	feedback_given: 'question'
};

/** The order fans read the rules in: the default list's, then any others by name. */
export function ruleOrder(kind: string): number {
	const i = DEFAULT_RULES.findIndex((r) => r.kind === kind);
	return i === -1 ? DEFAULT_RULES.length : i;
}

/** A rule's caps in plain words, e.g. "once per drop, up to 10 a day"; '' when uncapped. */
export function limitText(rule: Pick<EarningRule, 'kind' | 'perDay' | 'perObject' | 'perUnit'>): string {
	const parts: string[] = [];
	const noun = OBJECT_NOUNS[rule.kind] ?? 'item';
	if (rule.perObject && !rule.perUnit)
		parts.push(rule.perObject === 1 ? `once per ${noun}` : `up to ${rule.perObject} times per ${noun}`);
	if (rule.perDay) parts.push(rule.perDay === 1 ? 'once a day' : `up to ${rule.perDay} a day`);
	return parts.join(', ');
}

/** Kinds that only staff (with a reason) create; they bypass earning rules. */
export const ADJUSTMENT_KIND = 'staff_adjustment';

export interface CapCounts {
	/** Rewarded engagements of this kind by this member today (house time zone). */
	today: number;
	/** Rewarded engagements of this kind by this member for this object. */
	forObject: number;
}

export interface Award {
	points: number;
	/** Why fewer points than the rule gives: shown to the fan beside the entry. */
	cappedReason: string | null;
}

/** `units` is the amount for per-unit kinds (whole euros for patronage), ignored otherwise. */
export function award(rule: EarningRule, counts: CapCounts, hasObject: boolean, units = 1): Award {
	if (!rule.active) return { points: 0, cappedReason: `${rule.label} does not earn points at the moment.` };
	if (rule.perObject !== null && hasObject && counts.forObject >= rule.perObject) {
		return {
			points: 0,
			cappedReason:
				rule.perObject === 1
					? 'Already counted once for this.'
					: `Already counted ${rule.perObject} times for this.`
		};
	}
	if (rule.perDay !== null && counts.today >= rule.perDay) {
		return { points: 0, cappedReason: `Daily limit reached (${rule.perDay} a day).` };
	}
	const points = rule.perUnit ? rule.points * Math.max(0, Math.floor(units)) : rule.points;
	return { points, cappedReason: null };
}

/** The calendar day of a moment in the house's time zone, e.g. "2026-11-27": caps reset at local midnight. */
export const dayKey: (at: Date, timeZone: string) => string = calendarDay;
