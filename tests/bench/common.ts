// Pieces every bench shares: flags, printing, percentiles, and the built server it measures.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';

export function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A flag's whole number within bounds, or the run stops with a message naming the flag. */
export function wholeNumber(value: unknown, name: string, min: number, max: number): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max) {
		console.error(`--${name} must be a whole number from ${min} to ${max}.`);
		process.exit(2);
	}
	return n;
}

const runStarted = performance.now();
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const int = (n: number) => Math.round(n).toLocaleString('en-GB');
export const say = (line: string) =>
	console.log(`[${seconds(performance.now() - runStarted).padStart(7)}] ${line}`);

/** Runs a phase and prints how long it took. */
export async function timed<T>(label: string, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
	const started = performance.now();
	const value = await work();
	const ms = performance.now() - started;
	// Other work on the machine skews every figure: the load average says how much there was.
	say(`${label}: ${seconds(ms)} (load average ${loadavg()[0].toFixed(1)})`);
	return { value, ms };
}

/**
 * A copy of the repository at `dir`, built (or `prebuilt`, a directory with a build, as it is).
 * Never built in the working tree: others may be editing it. Returns the directory.
 */
export function buildServer(repo: string, dir: string, prebuilt?: string): string {
	if (prebuilt) return path.resolve(prebuilt);
	const steps: [string, string[], string][] = [
		[
			'rsync',
			[
				'-a',
				'--delete',
				...['node_modules', 'build', '.svelte-kit', 'data'].flatMap((d) => ['--exclude', d]),
				`${repo}/`,
				`${dir}/`
			],
			repo
		],
		['ln', ['-sfn', path.join(repo, 'node_modules'), path.join(dir, 'node_modules')], repo],
		['npx', ['vite', 'build'], dir]
	];
	for (const [command, args, cwd] of steps) {
		const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 });
		if (result.status !== 0) {
			throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
		}
	}
	return dir;
}

/**
 * Starts the build in `dir` on 127.0.0.1:`port` against `databaseUrl` and waits until it answers.
 * BENCH_NODE_ARGS adds Node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
 */
export async function startServer(
	dir: string,
	databaseUrl: string,
	port: number,
	/** Another app's start (the page bench's bare app: `['build']`) and its environment. */
	other?: { args: string[]; env: Record<string, string> }
): Promise<ChildProcess> {
	if (!existsSync(path.join(dir, 'build', 'index.js'))) throw new Error(`no build in ${dir}: npm run build`);
	const origin = `http://127.0.0.1:${port}`;
	const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const server = spawn('node', [...nodeArgs, ...(other?.args ?? ['server.js', 'build'])], {
		cwd: dir,
		env: {
			...process.env,
			ENCORE_SKIP_DOTENV: '1',
			NODE_ENV: 'production',
			DATABASE_URL: databaseUrl,
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: origin,
			LOG_QUIET: '1',
			// Production cookies are Secure; this client speaks plain HTTP to 127.0.0.1.
			COOKIE_SECURE: '0',
			// The request paths are measured, not the scheduled jobs (which have their own tests):
			// a first scan of 100,000 generated members for moments would land in the middle.
			SCHEDULER_MS: '0',
			...other?.env
		},
		stdio: ['ignore', 'inherit', 'inherit']
	});
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
		try {
			const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
			await response.arrayBuffer();
			if (response.status === 200) return server;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error('the server did not answer within 60 s');
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

export async function stopServer(server: ChildProcess | undefined): Promise<void> {
	if (!server || server.exitCode !== null) return;
	const exited = new Promise((resolve) => server.once('exit', resolve));
	server.kill('SIGTERM');
	const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}
