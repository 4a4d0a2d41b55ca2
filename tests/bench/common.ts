// Pieces every bench shares: percentiles and stopping the server it started.
import type { ChildProcess } from 'node:child_process';

export function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function stopServer(server: ChildProcess | undefined): Promise<void> {
	if (!server || server.exitCode !== null) return;
	const exited = new Promise((resolve) => server.once('exit', resolve));
	server.kill('SIGTERM');
	const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}
