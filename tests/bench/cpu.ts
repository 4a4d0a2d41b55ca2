// CPU time spent by the app server and by Postgres while a bench phase runs. On a shared, busy
// machine latency mostly measures the neighbours; CPU per request measures our own work.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // Linux reports utime/stime in clock ticks of 1/100 s

function processCpuMs(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
	} catch {
		return 0;
	}
}

/** Backends serving `database` (their process title names it). */
function postgresPids(database: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			if (title.startsWith('postgres:') && title.includes(` ${database} `)) pids.push(Number(entry));
		} catch {
			// gone
		}
	}
	return pids;
}

export interface CpuSnapshot {
	server: number;
	postgres: Map<number, number>;
}

export function cpuSnapshot(serverPid: number | undefined, database: string): CpuSnapshot {
	return {
		server: serverPid ? processCpuMs(serverPid) : 0,
		postgres: new Map(postgresPids(database).map((pid) => [pid, processCpuMs(pid)]))
	};
}

/** CPU milliseconds since `before`: the server's, and Postgres backends' of `database` (ended backends are missed). */
export function cpuSince(
	before: CpuSnapshot,
	serverPid: number | undefined,
	database: string
): { server: number; postgres: number } {
	const now = cpuSnapshot(serverPid, database);
	let postgres = 0;
	for (const [pid, ms] of now.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
	return { server: now.server - before.server, postgres };
}
