// What every install needs before anyone signs in: the default ladder with its first version and
// the default earning rules. Run on every start (and by scripts and tests on a fresh database);
// each part inserts only what is missing, so staff edits survive.
import type { Queryable } from '../db';
import { seedEarningRules, seedLadder } from '../loyalty';

export async function seedEssentials(db: Queryable): Promise<void> {
	await seedLadder(db);
	await seedEarningRules(db);
}
