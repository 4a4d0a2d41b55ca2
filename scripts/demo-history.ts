// Generates a year of demo history (fans, engagement, tier movement, patronage) of any size:
//   npm run demo:history -- --members 100000 [--seed 7]
// Uses DATABASE_URL, else the embedded database in $DATA_DIR (stop the server first: one PGlite
// folder, one process). Runs once per database: with generated fans already there it adds nothing.
import { parseArgs } from 'node:util';
import { config } from '../src/lib/server/config';
import { DatabaseConfigError, openDatabase } from '../src/lib/server/db/connect';
import { seedEssentials } from '../src/lib/server/setup';
import { generateHistory } from '../src/lib/server/demo/history';

const { values } = parseArgs({
	options: { members: { type: 'string' }, seed: { type: 'string', default: '7' } }
});
const members = Number(values.members);
const seed = Number(values.seed);
if (!Number.isInteger(members) || members < 1 || !Number.isInteger(seed)) {
	console.error('Usage: npm run demo:history -- --members 100000 [--seed 7]');
	process.exit(2);
}

try {
	const handle = await openDatabase(config.databaseUrl, config.pgliteDir);
	try {
		await handle.migrate(config.migrationsDir);
		await seedEssentials(handle.db);
		let shown = 0;
		const report = await generateHistory(handle.db, {
			members,
			seed,
			chunk: 2000,
			onProgress(done, total) {
				if (done - shown >= total / 10 || done === total) {
					shown = done;
					console.log(
						`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} members planned and written`
					);
				}
			}
		});
		if (!report.generated) {
			console.log('Generated history is already there (fan-…@members.encore.demo): nothing added.');
		} else {
			const n = (v: number) => v.toLocaleString('en');
			console.log(
				`${n(report.members)} members, ${n(report.engagements)} ledger rows, ${n(report.tierChanges)} tier changes, ` +
					`${n(report.subscriptions)} subscriptions (${n(report.subscriptionEvents)} events), ${n(report.payments)} payments ` +
					`in ${(report.ms / 1000).toFixed(1)}s (seed ${seed}).`
			);
		}
	} finally {
		await handle.close();
	}
} catch (err) {
	console.error(`demo:history failed: ${err instanceof DatabaseConfigError ? err.message : String(err)}`);
	process.exit(1);
}
