// Secrets the server makes for itself once and keeps in the database, so every instance
// shares them and a restart does not invalidate member cards.
import { eq } from 'drizzle-orm';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import type { Queryable } from './db';
import { serverSecrets } from './db/schema';

// Per database handle: tests open several databases in one process.
const cache = new WeakMap<object, Map<string, string>>();

/** Returns the named secret, creating 32 random bytes the first time (race-safe: first insert wins). */
export async function getOrCreateSecret(db: Queryable, name: string): Promise<string> {
	let known = cache.get(db);
	if (!known) cache.set(db, (known = new Map()));
	const cached = known.get(name);
	if (cached) return cached;
	const bytes = new Uint8Array(32);
	crypto.getRandomValues(bytes);
	await db
		.insert(serverSecrets)
		.values({ name, value: encodeBase64urlNoPadding(bytes) })
		.onConflictDoNothing();
	const [row] = await db.select().from(serverSecrets).where(eq(serverSecrets.name, name)).limit(1);
	known.set(name, row.value);
	return row.value;
}
