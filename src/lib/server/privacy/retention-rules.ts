// Retention of inactive accounts as plain rules: when to warn, when to remove. No I/O.

const DAY = 24 * 60 * 60 * 1000;

export interface RetentionSettings {
	/** Remove fan accounts inactive this many days; 0 turns retention off. */
	inactiveDays: number;
	/** Warn this many days before removal. */
	warningDays: number;
}

/** The deletion confirmation is kept in the outbox until delivered, but never longer than this. */
export const CONFIRMATION_KEEP_DAYS = 7;

export function retentionEnabled(settings: RetentionSettings): boolean {
	return settings.inactiveDays > 0;
}

/** Warning days never exceed the inactivity period itself. */
function warningDays(settings: RetentionSettings): number {
	return Math.min(Math.max(0, settings.warningDays), settings.inactiveDays);
}

/** Members whose last activity is at or before this moment are warned now. */
export function warnIfInactiveSince(now: Date, settings: RetentionSettings): Date {
	return new Date(now.getTime() - (settings.inactiveDays - warningDays(settings)) * DAY);
}

/**
 * When a warned member is removed: the inactivity period after their last activity, but never
 * sooner than the promised notice after the warning (the scheduler may have been off for a while).
 */
export function removalDue(lastActiveAt: Date, warnedAt: Date, settings: RetentionSettings): Date {
	return new Date(
		Math.max(
			lastActiveAt.getTime() + settings.inactiveDays * DAY,
			warnedAt.getTime() + warningDays(settings) * DAY
		)
	);
}

export function confirmationPurgeBefore(now: Date): Date {
	return new Date(now.getTime() - CONFIRMATION_KEEP_DAYS * DAY);
}
