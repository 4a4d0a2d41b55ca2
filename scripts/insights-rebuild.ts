// Recomputes the insights rollups for every day from the first sign-up to today:  npm run insights:rebuild
// The scheduled work keeps them up to date day by day; this is for a new install, after an import
// of history, or to check that the increments and a rebuild agree.
import { config } from '../src/lib/server/config';
import { DatabaseConfigError, openDatabase } from '../src/lib/server/db/connect';
import { rebuildRollups } from '../src/lib/server/insights/rollup';

try {
	const handle = await openDatabase(config.databaseUrl, config.pgliteDir);
	try {
		await handle.migrate(config.migrationsDir);
		const started = performance.now();
		const report = await rebuildRollups(handle.db);
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		console.log(
			`Insights rollups rebuilt for ${report.days} days (${report.firstDay} to ${report.lastDay}) in ${seconds}s.`
		);
	} finally {
		await handle.close();
	}
} catch (err) {
	console.error(`insights:rebuild failed: ${err instanceof DatabaseConfigError ? err.message : String(err)}`);
	process.exit(1);
}
