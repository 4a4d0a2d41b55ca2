// Creates or updates the Stripe products and prices of the paid tiers:  npm run stripe:sync-prices
// Idempotent (products by id, prices by lookup key): run it after changing a price in /staff/tiers.
import { config } from '../src/lib/server/config';
import { DatabaseConfigError, openDatabase } from '../src/lib/server/db/connect';
import { useDatabase } from '../src/lib/server/db';
import { getPayments } from '../src/lib/server/patronage/payments';
import { syncPrices } from '../src/lib/server/patronage/prices';

try {
	const handle = await openDatabase(config.databaseUrl, config.pgliteDir);
	try {
		await handle.migrate(config.migrationsDir);
		useDatabase(handle);
		const payments = await getPayments();
		if (payments.mode === 'demo')
			console.log('No STRIPE_SECRET_KEY: syncing with the demo-payments stand-in.');
		const lines = await syncPrices(handle.db, payments.stripe);
		for (const line of lines)
			console.log(`  ${line.lookupKey.padEnd(28)} ${line.action.padEnd(9)} ${line.priceId}`);
		if (lines.length === 0) console.log('No paid tiers yet: start the portal once so the ladder is seeded.');
		else console.log(`${lines.length} prices in step with Stripe.`);
	} finally {
		await handle.close();
	}
	process.exit(0); // the demo stand-in's local server would keep the process alive
} catch (err) {
	console.error(
		`stripe:sync-prices failed: ${err instanceof DatabaseConfigError ? err.message : String(err)}`
	);
	process.exit(1);
}
