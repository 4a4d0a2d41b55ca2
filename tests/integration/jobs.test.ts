// Scheduled work as pg-boss jobs: one job per slot however often (and by however many instances)
// it is asked for, failures retried and then shown to staff.
import { afterEach, expect, it } from 'vitest';
import { jobOverview, queueName, startJobs, type JobRunner } from '$lib/server/jobs';
import { forEachDriver, onPostgres, unique } from './harness';

const runners: JobRunner[] = [];
afterEach(async () => {
	while (runners.length) await runners.pop()!.stop();
});

async function until(check: () => boolean | Promise<boolean>, ms = 20_000) {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((r) => setTimeout(r, 100));
	}
}

forEachDriver('jobs', (t) => {
	it('runs a slot once, however many times it is proposed; a failure is retried, then listed', async () => {
		let runs = 0;
		let attempts = 0;
		const ok = { name: unique('ok'), run: async () => void runs++ };
		const broken = {
			name: unique('broken'),
			run: async () => {
				attempts++;
				throw new Error('the venue API is down');
			}
		};
		const jobs = await startJobs(t.db, [ok, broken], {
			driver: t.driver,
			tickMs: 60_000,
			databaseUrl: t.driver === 'postgres' ? t.url : undefined,
			clock: false,
			retry: { limit: 1, delaySeconds: 1 }
		});
		runners.push(jobs);
		const now = new Date();
		await Promise.all([jobs.tick(now), jobs.tick(now), jobs.tick(now)]);
		await until(() => runs === 1 && attempts === 2);

		const overview = (await jobOverview(t.db))!;
		const okQueue = overview.queues.find((q) => q.name === queueName(ok))!;
		expect(okQueue.counts).toEqual({ completed: 1 });
		await until(async () => (await jobOverview(t.db))!.failures.some((f) => f.name === queueName(broken)));
		const failure = (await jobOverview(t.db))!.failures.find((f) => f.name === queueName(broken))!;
		expect(failure).toMatchObject({ retries: 1, error: 'the venue API is down' });
		expect(runs).toBe(1);
	});
});

onPostgres('jobs with two instances', (t) => {
	it('two instances proposing the same slot run it once', async () => {
		let runs = 0;
		const work = [{ name: unique('shared'), run: async () => void runs++ }];
		const options = { driver: t.driver, tickMs: 60_000, databaseUrl: t.url, clock: false } as const;
		const a = await startJobs(t.db, work, options);
		runners.push(a);
		const b = await startJobs(t.db, work, options);
		runners.push(b);
		const now = new Date();
		await Promise.all([a.tick(now), b.tick(now), a.tick(now), b.tick(now)]);
		await until(() => runs >= 1);
		// Give a second (wrong) run every chance to happen.
		await new Promise((r) => setTimeout(r, 2_000));
		expect(runs).toBe(1);
	});
});
