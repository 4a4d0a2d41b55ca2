// Built servers (`node server.js`) that a spec starts itself, on a fresh embedded database or on a
// fresh Postgres database it creates and drops: for the fuzz suite (its own house, so garbage sent
// as staff cannot disturb the other specs) and the start-and-stop test.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ServerProcess {
	origin: string;
	child: ChildProcess;
	/** Everything it wrote to stdout and stderr. */
	output(): string;
	/** Resolves with the exit, however it ends. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** SIGTERM, then SIGKILL after `graceMs`: how long it took, and whether it had to be killed. */
	stop(graceMs?: number): Promise<{ ms: number; killed: boolean; code: number | null }>;
}

export function startServer(options: { port: number; env?: Record<string, string> }): ServerProcess {
	const origin = `http://127.0.0.1:${options.port}`;
	// E2E_BUILD_DIR runs another build (say, the code before a fix) against the same suite.
	const child = spawn(process.execPath, ['server.js', process.env.E2E_BUILD_DIR || 'build'], {
		cwd: path.resolve('.'),
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			PATH: process.env.PATH ?? '',
			HOME: process.env.HOME ?? '',
			PORT: String(options.port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			NODE_ENV: 'development',
			ENCORE_SKIP_DOTENV: '1',
			SMTP_URL: '',
			DATABASE_URL: '',
			RATE_LIMIT_FACTOR: '20',
			BODY_SIZE_LIMIT: '25M',
			...options.env
		}
	});
	let output = '';
	child.stdout?.on('data', (d) => (output += String(d)));
	child.stderr?.on('data', (d) => (output += String(d)));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal }))
	);
	return {
		origin,
		child,
		output: () => output,
		exited,
		async stop(graceMs = 10_000) {
			const started = Date.now();
			if (child.exitCode !== null || child.signalCode !== null) {
				return { ms: 0, killed: false, code: child.exitCode };
			}
			child.kill('SIGTERM');
			let killed = false;
			const timer = setTimeout(() => {
				killed = true;
				child.kill('SIGKILL');
			}, graceMs);
			const { code } = await exited;
			clearTimeout(timer);
			return { ms: Date.now() - started, killed, code };
		}
	};
}

/** Polls /healthz until it answers 200, the process exits, or `timeoutMs` passes. */
export async function waitHealthy(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let exited = false;
	void server.exited.then(() => (exited = true));
	while (Date.now() < deadline) {
		if (exited) throw new Error(`server exited before it was healthy:\n${server.output()}`);
		try {
			const response = await fetch(`${server.origin}/healthz`);
			if (response.status === 200) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`server not healthy after ${timeoutMs} ms:\n${server.output()}`);
}

/** A fresh embedded-database folder for a spawned server. */
export function freshDataDir(name: string): string {
	const dir = path.resolve('tests/e2e/.data-' + name);
	rmSync(dir, { recursive: true, force: true });
	return dir;
}

/** Is the test Postgres server reachable? */
export async function postgresReachable(): Promise<boolean> {
	const sql = postgres(POSTGRES_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
	try {
		await sql`select 1`;
		return true;
	} catch {
		return false;
	} finally {
		await sql.end({ timeout: 1 }).catch(() => {});
	}
}

/** Creates an empty database; returns its URL and a function that drops it. */
export async function freshPostgresDatabase(prefix: string) {
	const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
	const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	await admin.end({ timeout: 5 });
	const url = new URL(POSTGRES_URL);
	url.pathname = '/' + name;
	return {
		url: url.toString(),
		async drop() {
			const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
			await sql.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
			await sql.end({ timeout: 5 });
		}
	};
}
