// Where the local stand-in for Stripe keeps its objects: memory for tests, the database for
// demo payments (so a restarted demo still knows the subscriptions it sold).
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { demoStripeObjects } from '../../db/schema';

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface FakeStore {
	get(id: string): Promise<StripeObject | undefined>;
	put(obj: StripeObject): Promise<void>;
	list(object: string): Promise<StripeObject[]>;
	/** Writes `obj` only if the stored one's status is still `status`: one of concurrent writers wins. */
	putIfStatus(obj: StripeObject, status: string): Promise<boolean>;
}

export function memoryStore(): FakeStore & { objects: Map<string, StripeObject> } {
	const objects = new Map<string, StripeObject>();
	const copy = <T>(v: T): T => structuredClone(v);
	return {
		objects,
		get: async (id) => (objects.has(id) ? copy(objects.get(id)) : undefined),
		put: async (obj) => void objects.set(obj.id, copy(obj)),
		list: async (object) => [...objects.values()].filter((o) => o.object === object).map(copy),
		putIfStatus: async (obj, status) => {
			if (objects.get(obj.id)?.status !== status) return false;
			objects.set(obj.id, copy(obj));
			return true;
		}
	};
}

export function databaseStore(db: () => Database): FakeStore {
	return {
		async get(id) {
			const [row] = await db().select().from(demoStripeObjects).where(eq(demoStripeObjects.id, id));
			return row ? (row.data as StripeObject) : undefined;
		},
		async put(obj) {
			await db()
				.insert(demoStripeObjects)
				.values({ id: obj.id, object: obj.object, data: obj })
				.onConflictDoUpdate({ target: demoStripeObjects.id, set: { data: obj, updatedAt: sql`now()` } });
		},
		async list(object) {
			const rows = await db().select().from(demoStripeObjects).where(eq(demoStripeObjects.object, object));
			return rows.map((r) => r.data as StripeObject);
		},
		async putIfStatus(obj, status) {
			const won = await db()
				.update(demoStripeObjects)
				.set({ data: obj, updatedAt: sql`now()` })
				.where(and(eq(demoStripeObjects.id, obj.id), sql`${demoStripeObjects.data}->>'status' = ${status}`))
				.returning({ id: demoStripeObjects.id });
			return won.length === 1;
		}
	};
}
