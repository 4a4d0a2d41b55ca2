// The drop editor's rules: what a valid drop is, with a message per field. Pure (no I/O); the
// database adds the one rule it alone can answer (a slug already taken).
import type { DropWindow } from './access';
import { parseWallClock } from '../house-time';

export type Intent = 'draft' | 'schedule' | 'publish' | 'save';

export interface DropInput {
	title: string;
	slug: string;
	summary: string;
	body: string;
	minRank: number;
	windows: DropWindow[];
	pinned: boolean;
	intent: Intent;
	/** For `schedule`: when it goes live. */
	publishAt: Date | null;
}

export interface TierOption {
	rank: number;
	name: string;
}

export type FieldErrors = Record<string, string>;

export const RESERVED_SLUGS = new Set(['feed', 'media', 'new', 'preview']);
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_DELAY_DAYS = 365;

/** "Winter Sessions: Part 2!" → "winter-sessions-part-2" */
export function slugify(title: string): string {
	return title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80)
		.replace(/-+$/g, '');
}

/** `window-<rank>` fields hold days after publishing ("2", "0.5"); empty means no window for that tier. */
export function windowField(rank: number): string {
	return `window-${rank}`;
}

/**
 * Parses the editor form. `zone` turns the `publishAt` field (a local date-time, as the
 * datetime-local input sends it) into an instant in the house's time zone.
 */
export function parseDropForm(
	form: FormData,
	ladder: readonly TierOption[],
	now: Date,
	zone: string
): { ok: true; data: DropInput } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const text = (key: string) => String(form.get(key) ?? '').trim();
	const tierName = (rank: number) => ladder.find((t) => t.rank === rank)?.name ?? `rank ${rank}`;

	const title = text('title');
	if (!title) errors.title = 'Give the drop a title.';
	else if (title.length > 120) errors.title = 'Keep the title under 120 characters.';

	const slug = text('slug').toLowerCase() || slugify(title);
	if (!slug) errors.slug = 'Give the drop an address (letters, numbers and dashes).';
	else if (slug.length > 80) errors.slug = 'Keep the address under 80 characters.';
	else if (!SLUG.test(slug))
		errors.slug = 'Use lowercase letters, numbers and single dashes, like winter-demo.';
	else if (RESERVED_SLUGS.has(slug)) errors.slug = `“${slug}” is reserved: choose another address.`;

	const summary = text('summary');
	if (summary.length > 400) errors.summary = 'Keep the teaser under 400 characters.';
	const body = String(form.get('body') ?? '');
	if (body.length > 100_000) errors.body = 'The body is too long (100,000 characters at most).';

	const minRank = Number(text('minRank') || '0');
	if (!Number.isInteger(minRank) || !ladder.some((t) => t.rank === minRank))
		errors.minRank = 'Choose one of the tiers.';

	const windows: DropWindow[] = [];
	for (const tier of ladder) {
		const raw = text(windowField(tier.rank)).replace(',', '.');
		if (raw === '') continue;
		const days = Number(raw);
		if (!Number.isFinite(days) || days < 0 || days > MAX_DELAY_DAYS) {
			errors[windowField(tier.rank)] = `Use a number of days from 0 to ${MAX_DELAY_DAYS}, or leave it empty.`;
			continue;
		}
		if (!errors.minRank && tier.rank < minRank) {
			errors[windowField(tier.rank)] =
				`${tier.name} is below the minimum tier (${tierName(minRank)}), so this window would never open. Clear it or lower the minimum tier.`;
			continue;
		}
		windows.push({ rank: tier.rank, delayMinutes: Math.round(days * 24 * 60) });
	}
	// Higher tiers first: a tier may never wait longer than a tier below it.
	const byRank = [...windows].sort((a, b) => a.rank - b.rank);
	for (let i = 1; i < byRank.length; i++) {
		const lower = byRank[i - 1];
		const higher = byRank[i];
		if (higher.delayMinutes > lower.delayMinutes) {
			errors[windowField(higher.rank)] ??=
				`${tierName(higher.rank)} cannot open later than ${tierName(lower.rank)} (${formatDelay(lower.delayMinutes)}): higher tiers get in first.`;
		}
	}

	const intentRaw = text('intent') || 'save';
	const intent: Intent = (['draft', 'schedule', 'publish', 'save'] as const).includes(intentRaw as Intent)
		? (intentRaw as Intent)
		: 'save';
	let publishAt: Date | null = null;
	const publishAtRaw = text('publishAt');
	if (publishAtRaw) {
		const parsed = parseWallClock(publishAtRaw, zone, 'Use a date and time like 2026-05-14 18:00.');
		if (parsed.ok) publishAt = parsed.at;
		else errors.publishAt = parsed.message;
	}
	if (intent === 'schedule' && !errors.publishAt) {
		if (!publishAt) errors.publishAt = 'Pick when the drop goes live.';
		else if (publishAt.getTime() <= now.getTime())
			errors.publishAt = 'Pick a time in the future, or publish now.';
	}

	if (Object.keys(errors).length) return { ok: false, errors };
	return {
		ok: true,
		data: {
			title,
			slug,
			summary,
			body,
			minRank,
			windows: byRank.reverse(),
			pinned: form.get('pinned') === 'on' || form.get('pinned') === 'true',
			intent,
			publishAt
		}
	};
}

/** "2 days", "12 hours", "at publishing". */
export function formatDelay(minutes: number): string {
	if (minutes === 0) return 'at publishing';
	if (minutes % (24 * 60) === 0) {
		const d = minutes / (24 * 60);
		return `${d} day${d === 1 ? '' : 's'}`;
	}
	if (minutes % 60 === 0) {
		const h = minutes / 60;
		return `${h} hour${h === 1 ? '' : 's'}`;
	}
	return `${minutes} minutes`;
}

/** Days for the editor field: 2880 minutes → "2". */
export function delayDays(minutes: number): string {
	return String(Math.round((minutes / (24 * 60)) * 1000) / 1000);
}
