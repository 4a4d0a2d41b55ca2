// Work that falls due with time (a scheduled drop going live, a presale window opening, a draw
// at close), run as jobs in Postgres by src/lib/server/jobs.ts. Each entry must be idempotent and claim its rows atomically (for example
// `UPDATE … SET done_at = now() WHERE done_at IS NULL AND due_at <= now() RETURNING …`), so that
// several app instances ticking at once still do each piece of work exactly once.
import type { DueWork } from '$lib/server/jobs';
import { runPollClosingDueWork } from '$lib/server/polls';
import { runMomentsDueWork } from '$lib/server/moments';
import { runNotificationDueWork } from '$lib/server/notifications';
import { runRetentionDueWork } from '$lib/server/privacy';
import { recordMissingClaimPoints, runTicketsDueWork } from '$lib/server/tickets';
import { runPatronageDue } from '$lib/server/patronage';
import { runDropsDueWork } from '$lib/server/drops';
import { REFRESH_EVERY_MS, refreshMemberActivity } from '$lib/server/members';
import { runInsightsDueWork } from '$lib/server/insights';
import { runFeedbackDueWork } from '$lib/server/feedback';

export type { DueWork };

/** Runs `work` at most once per `ms` on this instance (other instances may run it too: it is idempotent). */
export function atMostEvery(ms: number, work: DueWork['run']): DueWork['run'] {
	let last = -Infinity;
	return async (db, now) => {
		if (now.getTime() - last < ms) return;
		last = now.getTime();
		return work(db, now);
	};
}

// One line per capability; the scheduler runs them in this order on every tick.
export const dueWork: DueWork[] = [
	// Calendar moments change by the day: scanning every ten minutes is plenty.
	{ name: 'moments', run: atMostEvery(10 * 60_000, runMomentsDueWork) },
	{ name: 'retention', run: runRetentionDueWork },
	{ name: 'tickets', run: runTicketsDueWork },
	// A claim's points are recorded after it commits; this catches any lost in between.
	{
		name: 'presale-points',
		run: atMostEvery(60_000, async (db, now) => void (await recordMissingClaimPoints(db, now)))
	},
	{ name: 'patronage', run: runPatronageDue },
	{ name: 'drops', run: runDropsDueWork },
	{ name: 'poll-closing', run: atMostEvery(5 * 60_000, runPollClosingDueWork) },
	// The members directory's points and activity summary (the page shows how fresh it is).
	{
		name: 'member-activity',
		run: atMostEvery(REFRESH_EVERY_MS, (db, now) => refreshMemberActivity(db, now))
	},
	// Insights' daily rollups: yesterday and today, recomputed every ten minutes.
	{ name: 'insights', run: atMostEvery(10 * 60_000, runInsightsDueWork) },
	// The morning-after questions (check-ins, presale claims) and a few relationship surveys.
	{ name: 'feedback', run: atMostEvery(5 * 60_000, runFeedbackDueWork) },
	// Last, so the notifications that the work above posted go out on the same tick.
	{ name: 'notifications', run: runNotificationDueWork }
];
