// Work that falls due with time (a scheduled drop going live, a presale window opening, a draw
// at close). Each entry must be idempotent and claim its rows atomically (for example
// `UPDATE … SET done_at = now() WHERE done_at IS NULL AND due_at <= now() RETURNING …`), so that
// several app instances ticking at once still do each piece of work exactly once.
import type { Database } from '$lib/server/db';
import { runDropsDueWork } from '$lib/server/drops/releases';

export type DueWork = {
	name: string;
	run: (db: Database, now: Date) => Promise<unknown>;
};

// One line per capability; the scheduler runs them in this order on every tick.
export const dueWork: DueWork[] = [{ name: 'drops', run: runDropsDueWork }];
