// Closed-loop HTTP load for the page benches: `connections` clients GET a path back to back for a
// while, each request with the next client's cookie; latencies, errors, bytes and CPU per phase.
import http from 'node:http';
import { cpuSince, cpuSnapshot } from './cpu';
import { int, percentile } from './common';

export interface LoadResult {
	latencies: number[];
	errors: Map<string, number>;
	ms: number;
	bytes: number;
	cpu: { server: number; postgres: number };
}

export interface LoadOptions {
	url: string;
	/** The Cookie header of the i-th request (undefined: none). */
	cookie?: (i: number) => string | undefined;
	connections: number;
	seconds: number;
	/** What a browser sends; the bytes counted are the ones on the wire. */
	acceptEncoding?: string;
	serverPid?: number;
	/** The Postgres database whose backends' CPU is counted. */
	database?: string;
}

export async function load(o: LoadOptions): Promise<LoadResult> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
	const latencies: number[] = [];
	const errors = new Map<string, number>();
	let bytes = 0;
	let next = 0;
	const get = (i: number) =>
		new Promise<number>((resolve, reject) => {
			const headers: Record<string, string> = {};
			const cookie = o.cookie?.(i);
			if (cookie) headers.cookie = cookie;
			if (o.acceptEncoding) headers['accept-encoding'] = o.acceptEncoding;
			const request = http.get(o.url, { agent, headers, timeout: 30_000 }, (response) => {
				response.on('data', (chunk: Buffer) => (bytes += chunk.length));
				response.on('end', () => resolve(response.statusCode ?? 0));
				response.on('error', reject);
			});
			request.on('timeout', () => request.destroy(new Error('timeout')));
			request.on('error', reject);
		});
	const started = performance.now();
	const cpuBefore = cpuSnapshot(o.serverPid, o.database ?? '');
	const deadline = started + o.seconds * 1000;
	const worker = async () => {
		while (performance.now() < deadline) {
			const t0 = performance.now();
			try {
				const status = await get(next++);
				latencies.push(performance.now() - t0);
				if (status !== 200) errors.set(String(status), (errors.get(String(status)) ?? 0) + 1);
			} catch (err) {
				const reason = err instanceof Error ? err.message : String(err);
				errors.set(reason, (errors.get(reason) ?? 0) + 1);
			}
		}
	};
	await Promise.all(Array.from({ length: o.connections }, worker));
	agent.destroy();
	return {
		latencies,
		errors,
		ms: performance.now() - started,
		bytes,
		cpu: cpuSince(cpuBefore, o.serverPid, o.database ?? '')
	};
}

/** Several phases of the same path, one result (interleaved rounds add up to one figure). */
export function combine(results: LoadResult[]): LoadResult {
	const errors = new Map<string, number>();
	for (const r of results) for (const [k, v] of r.errors) errors.set(k, (errors.get(k) ?? 0) + v);
	return {
		latencies: results.flatMap((r) => r.latencies),
		errors,
		ms: results.reduce((s, r) => s + r.ms, 0),
		bytes: results.reduce((s, r) => s + r.bytes, 0),
		cpu: {
			server: results.reduce((s, r) => s + r.cpu.server, 0),
			postgres: results.reduce((s, r) => s + r.cpu.postgres, 0)
		}
	};
}

export interface Figures {
	requests: number;
	perSecond: number;
	p50: number;
	p99: number;
	bytesEach: number;
	serverCpuMs: number;
	postgresCpuMs: number;
}

export function figures(r: LoadResult): Figures {
	const sorted = [...r.latencies].sort((a, b) => a - b);
	const n = Math.max(1, sorted.length);
	return {
		requests: sorted.length,
		perSecond: sorted.length / (r.ms / 1000),
		p50: percentile(sorted, 50),
		p99: percentile(sorted, 99),
		bytesEach: r.bytes / n,
		serverCpuMs: r.cpu.server / n,
		postgresCpuMs: r.cpu.postgres / n
	};
}

/** One line of a summary: throughput, latency, size and CPU per request, errors. */
export function describe(label: string, r: LoadResult): string {
	const f = figures(r);
	return `  ${label.padEnd(34)} ${int(f.perSecond).padStart(6)} req/s  p50 ${f.p50.toFixed(1).padStart(5)} ms  p99 ${f.p99.toFixed(1).padStart(6)} ms  ${int(f.bytesEach).padStart(7)} B  CPU/req server ${f.serverCpuMs.toFixed(2)} ms, Postgres ${f.postgresCpuMs.toFixed(2)} ms  errors ${JSON.stringify(Object.fromEntries(r.errors))}`;
}
