// Why each item is on a member's home, in a few words ("Unlocked when you reached Insider",
// "Opens for Patrons on Friday"). Pure: facts and the house's zone in, one short sentence out.
import { formatDay, formatEventTime, formatWeekday, calendarDay } from '$lib/time';

const DAY = 24 * 60 * 60 * 1000;

/** "today", "tomorrow", "on Friday" (within a week) or "on 14 May", on the house's clock. */
export function whenWords(at: Date, now: Date, zone: string): string {
	const day = calendarDay(at, zone);
	if (day === calendarDay(now, zone)) return 'today';
	if (day === calendarDay(new Date(now.getTime() + DAY), zone)) return 'tomorrow';
	if (at.getTime() > now.getTime() && at.getTime() - now.getTime() < 6 * DAY)
		return `on ${formatWeekday(at, zone)}`;
	return `on ${formatDay(at, zone, now)}`;
}

/** How a drop became readable for the member since their last visit. */
export interface DropFacts {
	/** When it opened for this member (publishing, or their early-access window). */
	openedAt: Date;
	publishAt: Date;
	minRank: number;
	/** The member's rank before their latest step up since the last visit, if they stepped up. */
	rankBefore: number | null;
	/** The tier they stepped up to (name), when `rankBefore` is set. */
	tierName: string | null;
	/** The name of the tier whose window let them in, when it opened after publishing. */
	windowTierName: string | null;
	/** When it opens for the drop's lowest tier (the general release), if later than for this member. */
	generalAt?: Date | null;
	/** Of the member's last opened drops of the same tag, how many (and out of how many). */
	tagAffinity?: { tag: string; opened: number; of: number } | null;
}

export function dropReason(f: DropFacts, now: Date, zone: string): string {
	if (f.rankBefore !== null && f.rankBefore < f.minRank && f.tierName)
		return `Unlocked when you reached ${f.tierName}`;
	if (f.tagAffinity && f.tagAffinity.opened >= 2)
		return `Because you opened ${f.tagAffinity.opened} of the last ${f.tagAffinity.of} ${f.tagAffinity.tag} drops`;
	const early = `Early access${f.windowTierName ? ` for ${f.windowTierName}` : ''}`;
	if (f.generalAt && f.generalAt.getTime() > now.getTime() && f.generalAt.getTime() > f.openedAt.getTime())
		return `${early} · others wait until ${formatDay(f.generalAt, zone, now)}`;
	if (f.openedAt.getTime() > f.publishAt.getTime() + 60_000)
		return `${early} opened ${whenWords(f.openedAt, now, zone)}`;
	return `New ${whenWords(f.openedAt, now, zone)}`;
}

export interface PollFacts {
	closesAt: Date;
	/** Names of the tiers that may vote; empty: everyone. */
	eligibleTierNames: string[];
}

export function pollReason(f: PollFacts, now: Date, zone: string): string {
	const closes = `closes ${whenWords(f.closesAt, now, zone)}`;
	if (f.eligibleTierNames.length === 0) return `You have not voted yet · ${closes}`;
	return `Open to ${listWords(f.eligibleTierNames)} · ${closes}`;
}

export interface PresaleFacts {
	opensAt: Date;
	closesAt: Date;
	/** The window's audience: "Patrons", "Insider and up". */
	audience: string;
	mode: 'first_come' | 'draw';
}

export function presaleReason(f: PresaleFacts, now: Date, zone: string): string {
	if (now.getTime() < f.opensAt.getTime())
		return `Opens for ${f.audience} ${whenWords(f.opensAt, now, zone)}, ${formatEventTime(f.opensAt, zone)}`;
	const verb = f.mode === 'draw' ? 'Enter the draw' : 'Open for you';
	return `${verb} until ${formatEventTime(f.closesAt, zone)}`;
}

export function invitationReason(deadline: Date, now: Date, zone: string): string {
	return `Staff invited you · answer by ${formatDay(deadline, zone, now)}`;
}

export function drawReason(claimBy: Date, now: Date, zone: string): string {
	return `You won seats in the draw · confirm by ${formatEventTime(claimBy, zone)}`;
}

/** "Insider", "Insider and Patron", "Insider, Patron and Inner Circle". */
export function listWords(names: readonly string[]): string {
	if (names.length <= 1) return names.join('');
	return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** A tier audience for a minimum rank: "Patron and up", or just the name at the top of the ladder. */
export function audienceOf(ladder: readonly { rank: number; name: string }[], minRank: number): string {
	const sorted = [...ladder].sort((a, b) => a.rank - b.rank);
	const tier = sorted.find((t) => t.rank >= minRank);
	if (!tier) return 'members';
	if (tier.rank === sorted[0]?.rank) return 'every member';
	return sorted.some((t) => t.rank > tier.rank) ? `${tier.name} and up` : tier.name;
}
