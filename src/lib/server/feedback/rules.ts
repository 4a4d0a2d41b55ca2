// Who may be asked for feedback, when, and how the answers add up. Pure.
import type { FeedbackKind } from '../db/schema';

export const DAY_MS = 86_400_000;

/** Kinds that are sent to the member (and so count toward the gap between requests). */
export const SENT_KINDS: readonly FeedbackKind[] = ['checkin', 'presale', 'nps'];

/** A second answer replaces the first, once, within this long of the first. */
export const REANSWER_DAYS = 7;
/** A link asks for an answer for this long after it was sent. */
export const LINK_DAYS = 30;
export const MAX_COMMENT = 2000;

export const CANCEL_REASONS = [
	{ value: 'too_expensive', label: 'Too expensive' },
	{ value: 'not_enough_content', label: 'Not enough new content' },
	{ value: 'not_using', label: 'Not using it' },
	{ value: 'one_benefit', label: 'Only wanted one benefit' },
	{ value: 'other', label: 'Other' }
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number]['value'];
export const cancelReasonLabel = (value: string | null): string =>
	CANCEL_REASONS.find((r) => r.value === value)?.label ?? 'No reason given';

export interface AskCandidate {
	role: 'fan' | 'staff' | 'admin';
	optedOut: boolean;
	/** The member's last request of a sent kind. */
	lastSentAt: Date | null;
	/** The member's last relationship survey (NPS). */
	lastNpsAt: Date | null;
}

export interface AskSettings {
	gapDays: number;
	npsGapDays: number;
}

export type AskRefusal = 'staff' | 'opted-out' | 'too-soon' | 'nps-too-soon';

/** Whether a member may be sent a request of this kind now; the refusal says why not. */
export function mayAsk(
	member: AskCandidate,
	kind: FeedbackKind,
	settings: AskSettings,
	now: Date
): { ok: true } | { ok: false; why: AskRefusal } {
	if (member.role !== 'fan') return { ok: false, why: 'staff' };
	if (member.optedOut) return { ok: false, why: 'opted-out' };
	if (member.lastSentAt && now.getTime() - member.lastSentAt.getTime() < settings.gapDays * DAY_MS)
		return { ok: false, why: 'too-soon' };
	if (
		kind === 'nps' &&
		member.lastNpsAt &&
		now.getTime() - member.lastNpsAt.getTime() < settings.npsGapDays * DAY_MS
	)
		return { ok: false, why: 'nps-too-soon' };
	return { ok: true };
}

/** The scale a kind's score is on. */
export function scaleOf(kind: FeedbackKind): { min: number; max: number } {
	return kind === 'nps' ? { min: 0, max: 10 } : { min: 1, max: 5 };
}

export interface AnswerState {
	answers: number;
	answeredAt: Date | null;
	sentAt: Date;
}

export type AnswerRefusal = 'expired' | 'already-changed' | 'too-late-to-change';

/** Whether an answer may be given (or a first answer replaced) now. */
export function mayAnswer(
	request: AnswerState,
	now: Date
): { ok: true; replacing: boolean } | { ok: false; why: AnswerRefusal } {
	if (request.answers >= 2) return { ok: false, why: 'already-changed' };
	if (request.answers === 1) {
		const first = request.answeredAt ?? request.sentAt;
		if (now.getTime() - first.getTime() > REANSWER_DAYS * DAY_MS)
			return { ok: false, why: 'too-late-to-change' };
		return { ok: true, replacing: true };
	}
	if (now.getTime() - request.sentAt.getTime() > LINK_DAYS * DAY_MS) return { ok: false, why: 'expired' };
	return { ok: true, replacing: false };
}

export type NpsGroup = 'promoter' | 'passive' | 'detractor';

/** 9–10 promoters, 7–8 passives, 0–6 detractors. */
export function npsGroup(score: number): NpsGroup {
	if (score >= 9) return 'promoter';
	if (score >= 7) return 'passive';
	return 'detractor';
}

export interface NpsSummary {
	responses: number;
	promoters: number;
	passives: number;
	detractors: number;
	/** % promoters − % detractors, −100…100, rounded; null with no responses. */
	nps: number | null;
}

export function npsOf(scores: readonly number[]): NpsSummary {
	let promoters = 0;
	let passives = 0;
	let detractors = 0;
	for (const s of scores) {
		const g = npsGroup(s);
		if (g === 'promoter') promoters++;
		else if (g === 'passive') passives++;
		else detractors++;
	}
	const responses = scores.length;
	return {
		responses,
		promoters,
		passives,
		detractors,
		nps: responses ? npsFromCounts(promoters, detractors, responses) : null
	};
}

/** The same from counts (what SQL hands back): rounded half away from zero. */
export function npsFromCounts(promoters: number, detractors: number, responses: number): number | null {
	if (!responses) return null;
	const raw = (100 * (promoters - detractors)) / responses;
	return Math.sign(raw) * Math.round(Math.abs(raw));
}

/** Mean of 1–5 scores to one decimal; null with none. */
export function satisfactionOf(scores: readonly number[]): number | null {
	if (!scores.length) return null;
	return Math.round((10 * scores.reduce((a, b) => a + b, 0)) / scores.length) / 10;
}

/** Staff tags: lower case words and hyphens, 1–30 characters, at most 8 on an answer. */
export function normaliseTags(input: string): string[] {
	const tags = input
		.split(/[,\n]/)
		.map((t) =>
			t
				.trim()
				.toLowerCase()
				.replace(/[^\p{L}\p{N}]+/gu, '-')
				.replace(/^-+|-+$/g, '')
				.slice(0, 30)
		)
		.filter(Boolean);
	return [...new Set(tags)].slice(0, 8);
}
