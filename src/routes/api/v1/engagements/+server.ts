// Engagement ingestion for partner systems: `POST /api/v1/engagements` with `Authorization: Bearer <key>`.
// Called by partner servers, not browsers: JSON bodies are outside SvelteKit's CSRF form check.
import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { log } from '$lib/server/log';
import {
	authenticateApiKey,
	bearerToken,
	ingestBatch,
	MAX_BODY_BYTES,
	parseIngestBody,
	rateLimitKey,
	REQUEST_LIMIT,
	type BatchOutcome
} from '$lib/server/partners';
import { consume } from '$lib/server/auth';
import type { RequestHandler } from './$types';

const NO_STORE = { 'cache-control': 'no-store' };

function refuse(status: number, error: string, headers: Record<string, string> = {}, extra: object = {}) {
	return json({ error, ...extra }, { status, headers: { ...NO_STORE, ...headers } });
}

/** The body as text, or null when it is larger than `max` bytes (declared or actually sent). */
async function readBody(request: Request, max: number): Promise<string | null> {
	const declared = Number(request.headers.get('content-length') ?? 0);
	if (declared > max) return null;
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > max) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return new TextDecoder().decode(bytes);
}

export const POST: RequestHandler = async ({ request, locals }) => {
	const started = performance.now();
	const db = getDb();
	const now = new Date();

	const presented = bearerToken(request.headers.get('authorization'));
	if (!presented) {
		return refuse(401, 'Send your API key in the header Authorization: Bearer <key>.', {
			'www-authenticate': 'Bearer realm="encore"'
		});
	}
	const check = await authenticateApiKey(db, presented, now);
	if (check.status !== 'ok') {
		const error = check.status === 'revoked' ? 'API key revoked.' : 'Unknown API key.';
		return refuse(401, error, {
			'www-authenticate': `Bearer realm="encore", error="invalid_token", error_description="${error}"`
		});
	}
	const key = check.key;

	const limit = await consume(db, rateLimitKey(key.id), REQUEST_LIMIT, now);
	if (!limit.allowed) {
		return refuse(
			429,
			`Too many requests for this API key: wait ${limit.retryAfterSeconds} s (Retry-After) and send fewer, larger batches.`,
			{ 'retry-after': String(limit.retryAfterSeconds) }
		);
	}

	const contentType = request.headers.get('content-type');
	if (contentType && contentType.split(';')[0].trim().toLowerCase() !== 'application/json') {
		return refuse(415, 'Send the batch as JSON with Content-Type: application/json.');
	}
	const text = await readBody(request, MAX_BODY_BYTES);
	if (text === null) {
		return refuse(413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB; send smaller batches.`);
	}
	const parsed = parseIngestBody(text);
	if (!parsed.ok) return refuse(parsed.status, parsed.error, {}, { issues: parsed.issues });

	let outcome: BatchOutcome;
	try {
		outcome = await ingestBatch(db, key, parsed.items, now);
	} catch (err) {
		log.error('partner batch failed', {
			requestId: locals.requestId,
			apiKeyId: key.id,
			items: parsed.items.length,
			error: err instanceof Error ? (err.stack ?? err.message) : String(err),
			// Drizzle wraps the database's own message ("Failed query: …") as the cause.
			cause: err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined
		});
		return refuse(
			500,
			'Something went wrong on our side and nothing of this batch was written: send the same batch again (the idempotency keys make that safe).',
			{},
			{ requestId: locals.requestId }
		);
	}
	log.info('partner batch', {
		requestId: locals.requestId,
		apiKeyId: key.id,
		items: parsed.items.length,
		accepted: outcome.accepted,
		duplicates: outcome.duplicates,
		rejected: outcome.rejected,
		ms: Math.round(performance.now() - started)
	});
	return json(outcome, { headers: NO_STORE });
};
