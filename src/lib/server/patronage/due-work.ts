// The scheduler's entry for patronage: paid tiers that lapse with time (grace over, a cancelled
// period ended without its event yet, a comp expired).
import type { Database } from '../db';
import { config } from '../config';
import { runPatronageDueWork } from './subscriptions';

export function runPatronageDue(db: Database, now: Date): Promise<number> {
	return runPatronageDueWork(db, now, config.patronageGraceDays);
}
