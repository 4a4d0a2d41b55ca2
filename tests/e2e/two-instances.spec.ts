// Two replicas of the built server start at the same moment on one empty Postgres database (ten
// times, each on a fresh database): both must come up and answer /healthz, however their
// migrations, seeding and job-queue setup interleave. Then each gets SIGTERM while requests are in
// flight and scheduled work is running: every request already sent gets its answer, and each
// process exits by itself within 10 s.
import { expect, test } from '@playwright/test';
import { request as httpRequest } from 'node:http';
import {
	freshDataDir,
	freshPostgresDatabase,
	postgresReachable,
	startServer,
	waitHealthy,
	type ServerProcess
} from './server-process';

const SPAWN_BASE = (Number(process.env.E2E_SPAWN_PORT) || (Number(process.env.E2E_PORT) || 4173) + 1000) + 10;
const ROUNDS = Number(process.env.TWINS_ROUNDS) || 10;

/**
 * Requests a server is busy with when the signal comes: sign-ins, each a password hash of a few
 * tens of milliseconds on the thread pool, so they are still being answered after SIGTERM.
 */
function inFlight(server: ServerProcess, n: number) {
	const { port } = new URL(server.origin);
	return Array.from(
		{ length: n },
		(_, i) =>
			new Promise<{ ok: boolean; status: number | string; at: number }>((resolve) => {
				const body = `email=nobody-${i}%40example.com&password=not-the-password-${i}`;
				// A connection of its own (agent: false): no idle keep-alive socket from an earlier request.
				const req = httpRequest(
					{
						host: '127.0.0.1',
						port,
						path: '/login',
						method: 'POST',
						agent: false,
						headers: {
							'content-type': 'application/x-www-form-urlencoded',
							'content-length': Buffer.byteLength(body),
							origin: server.origin,
							accept: 'text/html'
						}
					},
					(res) => {
						res.resume();
						res.on('end', () =>
							resolve({ ok: (res.statusCode ?? 500) < 500, status: res.statusCode ?? 0, at: Date.now() })
						);
					}
				);
				req.on('error', (err) => resolve({ ok: false, status: String(err), at: Date.now() }));
				req.end(body);
			})
	);
}

test('two instances start together on an empty database and stop cleanly on SIGTERM, ten times', async () => {
	test.setTimeout(ROUNDS * 60_000);
	if (!(await postgresReachable())) {
		test.skip(!process.env.CI, 'no Postgres at TEST_POSTGRES_URL');
		throw new Error('CI needs Postgres at TEST_POSTGRES_URL for the two-instance test');
	}
	const results: string[] = [];
	/** Answers that came after SIGTERM: the requests really were in flight. */
	let inFlightAtSignal = 0;
	for (let round = 1; round <= ROUNDS; round++) {
		const database = await freshPostgresDatabase('encore_twins');
		// Every other round seeds the demo house too (more to race on: accounts, events, polls, drops).
		const env = {
			DATABASE_URL: database.url,
			SCHEDULER_MS: '500',
			LOG_QUIET: '1',
			...(round % 2 ? { ENCORE_DEMO: '1', DEMO_HISTORY_MEMBERS: '0' } : {})
		};
		const servers = [0, 1].map((i) =>
			startServer({ port: SPAWN_BASE + i, env: { ...env, DATA_DIR: freshDataDir(`twins-${i}`) } })
		);
		try {
			const started = await Promise.allSettled(servers.map((s) => waitHealthy(s, 90_000)));
			const failed = started.flatMap((s, i) =>
				s.status === 'rejected' ? [`instance ${i}: ${s.reason}`] : []
			);
			expect(failed, `round ${round}`).toEqual([]);
			// Let scheduled work run on both (jobs are proposed every 500 ms), then stop them mid-traffic.
			await new Promise((r) => setTimeout(r, 1_500));
			const requests = servers.map((s) => Promise.all(inFlight(s, 12)));
			// Long enough for the server to have read every request (a connection it has not read
			// yet counts as idle and is closed, as at any server); not long enough to answer them all.
			await new Promise((r) => setTimeout(r, 400));
			const signalled = Date.now();
			const stops = await Promise.all(servers.map((s) => s.stop(15_000)));
			const answered = await Promise.all(requests);
			for (const [i, stop] of stops.entries()) {
				const dropped = answered[i].filter((r) => !r.ok);
				expect(
					dropped,
					`round ${round}, instance ${i}: requests dropped (SIGTERM at ${signalled}, exit after ${stop.ms} ms)\n${servers[i].output()}`
				).toEqual([]);
				inFlightAtSignal += answered[i].filter((r) => r.at > signalled).length;
				expect(stop.killed, `round ${round}, instance ${i} needed SIGKILL:\n${servers[i].output()}`).toBe(
					false
				);
				expect(stop.ms, `round ${round}, instance ${i} took too long to exit`).toBeLessThan(10_000);
				expect(stop.code, `round ${round}, instance ${i} exit code:\n${servers[i].output()}`).toBe(0);
			}
			results.push(`round ${round}: both healthy; exited in ${stops.map((s) => s.ms).join(' and ')} ms`);
		} finally {
			await Promise.all(servers.map((s) => s.stop(1_000)));
			await database.drop();
		}
	}
	console.log(
		results.join('\n'),
		`\n${inFlightAtSignal} requests were answered after their server got SIGTERM`
	);
	expect(results).toHaveLength(ROUNDS);
	expect(inFlightAtSignal).toBeGreaterThan(0);
});
