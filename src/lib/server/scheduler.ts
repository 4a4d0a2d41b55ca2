// A light in-process ticker that runs the due work (scheduled-work.ts) every few seconds. It is
// safe with several instances because every piece of due work claims its rows atomically.
import type { Database } from '$lib/server/db';
import { log } from '$lib/server/log';
import { dueWork } from '$lib/server/scheduled-work';

/** Runs every due-work entry once; one failing entry never stops the others. */
export async function runDueWork(db: Database, now = new Date()): Promise<void> {
	for (const work of dueWork) {
		try {
			await work.run(db, now);
		} catch (err) {
			log.error('due work failed', { work: work.name, error: String(err) });
		}
	}
}

let timer: ReturnType<typeof setInterval> | undefined;
let running = false;

export function startScheduler(db: () => Database, everyMs: number): void {
	if (timer || everyMs <= 0) return;
	timer = setInterval(() => {
		if (running) return; // a slow tick is never overlapped by the next one
		running = true;
		void runDueWork(db()).finally(() => (running = false));
	}, everyMs);
	timer.unref();
}

export function stopScheduler(): void {
	if (timer) clearInterval(timer);
	timer = undefined;
}
