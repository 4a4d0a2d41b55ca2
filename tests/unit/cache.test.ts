import { describe, expect, it, vi } from 'vitest';
import { cached, forgetCached } from '$lib/server/cache';

describe('cached', () => {
	it('loads once within the TTL, per database handle, and again after forgetCached', async () => {
		const dbA = {};
		const dbB = {};
		const load = vi.fn(async () => 'value');
		expect(await cached(dbA, 'k', load)).toBe('value');
		expect(await cached(dbA, 'k', load)).toBe('value');
		expect(load).toHaveBeenCalledTimes(1);
		await cached(dbB, 'k', load);
		expect(load).toHaveBeenCalledTimes(2);
		forgetCached(dbA);
		await cached(dbA, 'k', load);
		expect(load).toHaveBeenCalledTimes(3);
	});

	it('expires after the TTL', async () => {
		vi.useFakeTimers();
		try {
			const db = {};
			const load = vi.fn(async () => Date.now());
			await cached(db, 'k', load, 1000);
			vi.advanceTimersByTime(999);
			await cached(db, 'k', load, 1000);
			expect(load).toHaveBeenCalledTimes(1);
			vi.advanceTimersByTime(2);
			await cached(db, 'k', load, 1000);
			expect(load).toHaveBeenCalledTimes(2);
		} finally {
			vi.useRealTimers();
		}
	});

	it('shares one load between concurrent callers and never remembers a failure', async () => {
		const db = {};
		let calls = 0;
		const failing = async () => {
			calls++;
			throw new Error('down');
		};
		await expect(Promise.all([cached(db, 'k', failing), cached(db, 'k', failing)])).rejects.toThrow('down');
		expect(calls).toBe(1);
		await Promise.resolve();
		expect(await cached(db, 'k', async () => 'back')).toBe('back');
	});

	it('runs a lazy thenable (a drizzle query builder) once, however often it is awaited', async () => {
		const db = {};
		let runs = 0;
		// Like drizzle's QueryPromise: every then() executes the query again.
		const builder = { then: (ok: (v: number) => void) => ok(++runs) };
		const load = () => builder as unknown as PromiseLike<number>;
		expect(await cached(db, 'q', load)).toBe(1);
		expect(await cached(db, 'q', load)).toBe(1);
		expect(await cached(db, 'q', load)).toBe(1);
		expect(runs).toBe(1);
	});
});
