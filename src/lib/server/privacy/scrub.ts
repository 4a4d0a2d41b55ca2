// Cuts a member's email address and name out of free text and JSON values (keys stay as they are).
import type { MemberRef } from './policy';

export const ERASED = '[erased]';

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The member's email anywhere, and their name as a whole word (case-insensitive). */
export function scrubText(text: string, member: Pick<MemberRef, 'email' | 'displayName'>): string {
	let out = text.replace(new RegExp(escapeRegExp(member.email), 'gi'), ERASED);
	const name = member.displayName.trim();
	if (name)
		out = out.replace(
			new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'giu'),
			ERASED
		);
	return out;
}

/** The same value with every string inside it scrubbed; returns the input itself when nothing changed. */
export function scrubValue(value: unknown, member: Pick<MemberRef, 'email' | 'displayName'>): unknown {
	if (typeof value === 'string') {
		const next = scrubText(value, member);
		return next === value ? value : next;
	}
	if (Array.isArray(value)) {
		const next = value.map((v) => scrubValue(v, member));
		return next.some((v, i) => v !== value[i]) ? next : value;
	}
	if (value && typeof value === 'object' && !(value instanceof Date)) {
		const entries = Object.entries(value);
		const next = entries.map(([k, v]) => [k, scrubValue(v, member)] as const);
		return next.some(([, v], i) => v !== entries[i][1]) ? Object.fromEntries(next) : value;
	}
	return value;
}
