// A few seconds' memory of data that every page reads and staff rarely change (the house, the
// ladder): it saves queries on each request. Kept per database handle, so tests with several
// databases never see each other's data. A change made through this instance forgets at once;
// another instance's change shows within the TTL.
const stores = new WeakMap<object, Map<string, { until: number; value: Promise<unknown> }>>();

export const SHORT_TTL_MS = 5_000;

export function cached<T>(
	db: object,
	key: string,
	load: () => PromiseLike<T>,
	ttlMs = SHORT_TTL_MS
): Promise<T> {
	let store = stores.get(db);
	if (!store) stores.set(db, (store = new Map()));
	const now = Date.now();
	const hit = store.get(key);
	if (hit && hit.until > now) return hit.value as Promise<T>;
	// The promise is kept, so concurrent requests share one load; a failed load is not remembered.
	// Promise.resolve settles a drizzle query builder once: awaiting the builder itself runs it again.
	const value = Promise.resolve(load());
	store.set(key, { until: now + ttlMs, value });
	value.catch(() => {
		if (store.get(key)?.value === value) store.delete(key);
	});
	return value;
}

/** After a change: this instance reads fresh data from the next request on. */
export function forgetCached(db: object): void {
	stores.delete(db);
}
