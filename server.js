// `npm start` and `npm run demo`: adapter-node's handler behind compression. adapter-node serves
// its static files precompressed (.br, .gz) but sends pages and __data.json as they are; the
// `compression` middleware encodes those (brotli or gzip, as the client accepts) and leaves alone
// whatever already carries a Content-Encoding. Shutdown is adapter-node's own: stop listening,
// let requests in flight finish, then emit `sveltekit:shutdown` (hooks.server.ts closes ours).
import http from 'node:http';
import path from 'node:path';
import process from 'node:process';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import compression from 'compression';

// `node server.js [build directory]`: the build next to this file unless told (tests run others).
const buildDir = path.resolve(
	process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'build')
);
const { handler } = await import(pathToFileURL(path.join(buildDir, 'handler.js')).href);

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? 3000);
const shutdownTimeout = Number(process.env.SHUTDOWN_TIMEOUT ?? 30);

// Below 1 KB the headers cost more than the saving. Brotli at quality 2: measured on a 16 KB page,
// 2.5 times quicker than the library's default of 4 for 2 % more bytes (and smaller than gzip's).
const compress = compression({
	threshold: 1024,
	brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2 } }
});

const server = http.createServer((req, res) => {
	compress(req, res, () => handler(req, res));
});
if (process.env.KEEP_ALIVE_TIMEOUT) server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_TIMEOUT) * 1000;
if (process.env.HEADERS_TIMEOUT) server.headersTimeout = Number(process.env.HEADERS_TIMEOUT) * 1000;

let stopping = false;
server.on('request', (req) => {
	req.on('close', () => {
		// Connections become idle as their last request ends: close them so they take no more.
		if (stopping) server.closeIdleConnections();
	});
});

server.listen({ host, port }, () => {
	console.log(`Listening on http://${host}:${port}`);
});

/** @param {string} reason */
function shutDown(reason) {
	if (stopping) return;
	stopping = true;
	server.closeIdleConnections();
	server.close((error) => {
		if (error) return;
		clearTimeout(forced);
		process.emit(/** @type {any} */ ('sveltekit:shutdown'), reason);
	});
	const forced = setTimeout(() => server.closeAllConnections(), shutdownTimeout * 1000);
}

process.on('SIGTERM', shutDown);
process.on('SIGINT', shutDown);
