// Recomputes every member's tier from the ledger:  npm run loyalty:rebuild [-- --check]
// --check only reports members whose stored state differs from the rebuild (expected: none).
import { config } from '../src/lib/server/config';
import { DatabaseConfigError, openDatabase } from '../src/lib/server/db/connect';
import { rebuildAll } from '../src/lib/server/loyalty/rebuild';

const dryRun = process.argv.includes('--check');
try {
	const handle = await openDatabase(config.databaseUrl, config.pgliteDir);
	try {
		await handle.migrate(config.migrationsDir);
		const started = performance.now();
		const report = await rebuildAll(handle.db, { dryRun });
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		console.log(
			`${report.members} members ${dryRun ? 'checked' : 'rebuilt'} in ${seconds}s; ${report.differing.length} differed from the stored state${dryRun || report.differing.length === 0 ? '' : ' (now corrected)'}.`
		);
		for (const d of report.differing.slice(0, 20))
			console.log(`  ${d.memberId}: stored rank ${d.stored.rank}, rebuilt rank ${d.rebuilt.rank}`);
		if (dryRun && report.differing.length) process.exitCode = 1;
	} finally {
		await handle.close();
	}
} catch (err) {
	console.error(`loyalty:rebuild failed: ${err instanceof DatabaseConfigError ? err.message : String(err)}`);
	process.exit(1);
}
