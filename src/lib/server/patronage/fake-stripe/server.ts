// The fake Stripe API behind a real local HTTP server, so the real `stripe` client (pointed at it
// with host/port/protocol) makes real requests: form-encoded bodies, headers, idempotency keys.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeStripe } from './api';

/** Stripe's form encoding (`line_items[0][price]=…`, `expand[]=…`) back into objects and arrays. */
export function parseStripeForm(encoded: string): Record<string, unknown> {
	const root: Record<string, unknown> = {};
	for (const [key, value] of new URLSearchParams(encoded)) {
		const head = key.match(/^[^[]+/)?.[0] ?? key;
		const path = [head, ...[...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])];
		let node: Record<string, unknown> = root;
		path.forEach((segment, i) => {
			const last = i === path.length - 1;
			const nextIsIndex = !last && /^\d*$/.test(path[i + 1]);
			if (Array.isArray(node)) {
				const index = segment === '' ? node.length : Number(segment);
				if (last) node[index] = value;
				else node = (node[index] ??= nextIsIndex ? [] : {}) as Record<string, unknown>;
			} else if (last) node[segment] = value;
			else node = (node[segment] ??= nextIsIndex ? [] : {}) as Record<string, unknown>;
		});
	}
	return root;
}

export interface RunningFake {
	port: number;
	host: string;
	close(): Promise<void>;
}

export async function startFakeStripeServer(fake: FakeStripe, port = 0): Promise<RunningFake> {
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			const body = Buffer.concat(chunks).toString('utf8');
			const params = parseStripeForm(
				req.method === 'GET' || req.method === 'DELETE' ? url.search.slice(1) : body
			);
			const key = req.headers['idempotency-key'];
			fake
				.handle({
					method: req.method ?? 'GET',
					path: url.pathname,
					params,
					idempotencyKey: typeof key === 'string' ? key : null
				})
				.then(
					({ status, body }) => {
						res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
						res.end(JSON.stringify(body));
					},
					(err: unknown) => {
						res.writeHead(500, { 'content-type': 'application/json' });
						res.end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }));
					}
				);
		});
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		host: '127.0.0.1',
		port: (server.address() as AddressInfo).port,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				// The Stripe client keeps its connections alive: close() alone would wait for them.
				server.closeAllConnections();
			})
	};
}
