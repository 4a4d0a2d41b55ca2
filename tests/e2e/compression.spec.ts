// `npm start` compresses what SvelteKit renders (pages and __data.json) as the client accepts,
// and leaves adapter-node's precompressed static files as they are.
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';

function get(url: string, acceptEncoding?: string) {
	return new Promise<{ status: number; encoding: string | undefined; vary: string; body: Buffer }>(
		(resolve, reject) => {
			const headers: Record<string, string> =
				acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
			http
				.get(url, { headers }, (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () =>
						resolve({
							status: res.statusCode ?? 0,
							encoding: res.headers['content-encoding'],
							vary: String(res.headers.vary ?? ''),
							body: Buffer.concat(chunks)
						})
					);
				})
				.on('error', reject);
		}
	);
}

test('pages and page data are sent compressed, in the encoding the client accepts', async ({ baseURL }) => {
	const plain = await get(`${baseURL}/`);
	expect(plain.status).toBe(200);
	expect(plain.encoding).toBeUndefined();
	expect(plain.body.toString()).toContain('</html>');

	const br = await get(`${baseURL}/`, 'br, gzip');
	expect(br.encoding).toBe('br');
	expect(br.vary.toLowerCase()).toContain('accept-encoding');
	const html = brotliDecompressSync(br.body).toString();
	expect(html).toContain('</html>');
	// The same page (its nonces differ): at most a third of the bytes on the wire.
	expect(br.body.length).toBeLessThan(plain.body.length / 3);
	console.log(`landing: ${plain.body.length} B plain, ${br.body.length} B brotli`);

	const gz = await get(`${baseURL}/tiers`, 'gzip');
	expect(gz.encoding).toBe('gzip');
	expect(gunzipSync(gz.body).toString()).toContain('</html>');

	const data = await get(`${baseURL}/tiers/__data.json`, 'gzip, deflate, br');
	expect(data.status).toBe(200);
	expect(data.encoding).toBe('br');
	expect(JSON.parse(brotliDecompressSync(data.body).toString()).type).toBe('data');
});

test('static files keep their precompressed copies, never encoded twice', async ({ baseURL }) => {
	const plain = await get(`${baseURL}/service-worker.js`);
	const br = await get(`${baseURL}/service-worker.js`, 'br');
	expect(br.encoding).toBe('br');
	expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
});
