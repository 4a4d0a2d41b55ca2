import { and, eq, like, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { hashToken } from '$lib/server/auth/token';
import { insertUser } from '$lib/server/auth/users';
import { useDatabase, type Database } from '$lib/server/db';
import { apiKeys, auditLog, engagements, memberTiers, rateLimits } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { DEFAULT_RULES } from '$lib/server/loyalty/earning';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from '$lib/server/partners/api-keys';
import {
	ingestBatch,
	ledgerKey,
	MAX_BODY_BYTES,
	parseIngestBody,
	rateLimitKey,
	REQUEST_LIMIT,
	type BatchOutcome,
	type ItemResult
} from '$lib/server/partners/ingest';
import { config } from '$lib/server/config';
import { POST } from '../../src/routes/api/v1/engagements/+server';
import { actions, load } from '../../src/routes/staff/api-keys/+page.server';
import { forEachDriver, onPostgres, unique, uniqueEmail } from './harness';

process.env.LOG_QUIET ??= '1';

const ALL_KINDS = DEFAULT_RULES.map((r) => r.kind);
const HOUR = 3600_000;

async function newMember(db: Database, email = uniqueEmail('member')) {
	const user = await insertUser(db, { email, displayName: 'Member', passwordHash: 'x' });
	return user!;
}

async function newKey(db: Database, scopes = ALL_KINDS, createdBy: string | null = null) {
	return createApiKey(db, { name: unique('Box office'), scopes, createdBy });
}

/** Items as a partner would send them, through the same parser as the endpoint. */
function parse(items: Record<string, unknown>[]) {
	const parsed = parseIngestBody(JSON.stringify({ items }));
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
	return parsed.items;
}

function visit(email: string, at: Date, key = unique('visit')) {
	return { idempotencyKey: key, member: { email }, kind: 'daily_visit', occurredAt: at.toISOString() };
}

function checkin(
	member: { email: string } | { id: string },
	at: Date,
	key = unique('scan'),
	event = 'event:1'
) {
	return { idempotencyKey: key, member, kind: 'venue_checkin', object: event, occurredAt: at.toISOString() };
}

async function entriesFor(db: Database, apiKeyId: string) {
	return db
		.select()
		.from(engagements)
		.where(like(engagements.idempotencyKey, `p:${apiKeyId}:%`));
}

function post(body: unknown, options: { key?: string; headers?: Record<string, string>; raw?: string } = {}) {
	const headers = new Headers({ 'content-type': 'application/json', ...options.headers });
	if (options.key) headers.set('authorization', `Bearer ${options.key}`);
	const request = new Request('http://localhost/api/v1/engagements', {
		method: 'POST',
		headers,
		body: options.raw ?? JSON.stringify(body)
	});
	const event = {
		request,
		url: new URL(request.url),
		locals: { requestId: 'test', user: null, session: null }
	};
	return POST(event as unknown as Parameters<typeof POST>[0]);
}

const statuses = (outcome: BatchOutcome) => outcome.results.map((r) => r.status);

forEachDriver('partner ingestion', (t) => {
	beforeAll(async () => {
		await seedEssentials(t.db);
	});
	beforeEach(() => {
		useDatabase(t.handle);
	});

	describe('API keys', () => {
		it('are shown once, stored as a SHA-256 hash with a display prefix, and audited', async () => {
			const staff = await newMember(t.db);
			const { key, apiKey } = await createApiKey(t.db, {
				name: '  Shop  ',
				scopes: ['patronage', 'daily_visit', 'patronage'],
				createdBy: staff.id
			});
			expect(key).toMatch(/^enc_live_[a-z2-7]{32}$/);
			expect(apiKey).toMatchObject({
				name: 'Shop',
				prefix: key.slice(0, 15),
				scopes: ['daily_visit', 'patronage']
			});
			expect(apiKey).not.toHaveProperty('keyHash');
			const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
			expect(row.keyHash).toBe(hashToken(key));
			expect(JSON.stringify(row)).not.toContain(key);
			const listed = (await listApiKeys(t.db)).find((k) => k.id === apiKey.id);
			expect(listed).toMatchObject({ name: 'Shop', revokedAt: null, lastUsedAt: null });
			const audits = await t.db.select().from(auditLog).where(eq(auditLog.subjectId, apiKey.id));
			expect(audits.map((a) => [a.action, a.actorId])).toEqual([['api_key.create', staff.id]]);
		});

		it('authenticate by the key: unknown, ok, revoked; last_used_at moves at most once a minute', async () => {
			const { key, apiKey } = await newKey(t.db);
			expect(await authenticateApiKey(t.db, 'enc_live_' + 'a'.repeat(32))).toEqual({ status: 'unknown' });
			expect(await authenticateApiKey(t.db, 'not a key')).toEqual({ status: 'unknown' });
			expect(await authenticateApiKey(t.db, null)).toEqual({ status: 'unknown' });

			const now = new Date('2026-06-01T12:00:00Z');
			const first = await authenticateApiKey(t.db, key, now);
			expect(first.status === 'ok' && first.key.id).toBe(apiKey.id);
			await authenticateApiKey(t.db, key, new Date(now.getTime() + 30_000));
			const lastUsed = async () =>
				(await t.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id)))[0].lastUsedAt;
			expect(await lastUsed()).toEqual(now);
			await authenticateApiKey(t.db, key, new Date(now.getTime() + 61_000));
			expect(await lastUsed()).toEqual(new Date(now.getTime() + 61_000));

			await revokeApiKey(t.db, { id: apiKey.id, actorId: null });
			const revoked = await authenticateApiKey(t.db, key);
			expect(revoked.status).toBe('revoked');
		});

		it('are revoked once, audited', async () => {
			const staff = await newMember(t.db);
			const { apiKey } = await newKey(t.db);
			const at = new Date('2026-06-01T12:00:00Z');
			expect(await revokeApiKey(t.db, { id: apiKey.id, actorId: staff.id }, at)).toMatchObject({
				revokedAt: at
			});
			expect(await revokeApiKey(t.db, { id: apiKey.id, actorId: staff.id })).toBeNull();
			expect(await revokeApiKey(t.db, { id: crypto.randomUUID(), actorId: staff.id })).toBeNull();
			const audits = await t.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.subjectId, apiKey.id), eq(auditLog.action, 'api_key.revoke')));
			expect(audits).toHaveLength(1);
			expect(audits[0]).toMatchObject({ actorId: staff.id, subjectType: 'api_key' });
		});
	});

	describe('ingestBatch', () => {
		it('accepts, then answers duplicate, and a reused key with another payload is a conflict', async () => {
			const member = await newMember(t.db);
			const { apiKey } = await newKey(t.db);
			const now = new Date();
			const at = new Date(now.getTime() - HOUR);
			const first = await ingestBatch(
				t.db,
				apiKey,
				parse([checkin({ email: member.email }, at, 'order-1')]),
				now
			);
			expect(first).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0 });
			expect(first.results[0]).toMatchObject({
				index: 0,
				idempotencyKey: 'order-1',
				status: 'accepted',
				points: 100
			});

			const again = await ingestBatch(
				t.db,
				apiKey,
				parse([checkin({ email: member.email }, at, 'order-1')]),
				now
			);
			expect(again.results[0]).toEqual({
				index: 0,
				idempotencyKey: 'order-1',
				status: 'duplicate',
				entryId: first.results[0].entryId,
				points: 100
			});

			const other = await ingestBatch(
				t.db,
				apiKey,
				parse([checkin({ email: member.email }, at, 'order-1', 'event:2')]),
				now
			);
			expect(other.results[0]).toMatchObject({ status: 'rejected', reason: 'idempotency_conflict' });
			expect(other.results[0].message).toMatch(/already used for a different engagement/);

			const rows = await entriesFor(t.db, apiKey.id);
			expect(rows).toHaveLength(1);
			expect(rows[0]).toMatchObject({
				memberId: member.id,
				source: `partner:${apiKey.id}`,
				idempotencyKey: ledgerKey(apiKey.id, 'order-1'),
				points: 100,
				object: 'event:1'
			});
		});

		it('takes idempotency keys of any visible ASCII characters, and knows them again', async () => {
			const member = await newMember(t.db);
			const { apiKey } = await newKey(t.db);
			const now = new Date();
			const key = `q"u\\o{t,e}'s[${unique()}]`;
			const item = checkin({ email: member.email }, now, key, 'event:"1"');
			const first = await ingestBatch(t.db, apiKey, parse([item]), now);
			expect(first.results[0]).toMatchObject({ idempotencyKey: key, status: 'accepted' });
			const again = await ingestBatch(t.db, apiKey, parse([item]), now);
			expect(again.results[0]).toMatchObject({ status: 'duplicate', entryId: first.results[0].entryId });
			const [row] = await entriesFor(t.db, apiKey.id);
			expect(row).toMatchObject({ idempotencyKey: ledgerKey(apiKey.id, key), object: 'event:"1"' });
		});

		it('finds members by email, whatever its case, and by id', async () => {
			const member = await newMember(t.db, uniqueEmail('Case').toLowerCase());
			const { apiKey } = await newKey(t.db);
			const now = new Date();
			const outcome = await ingestBatch(
				t.db,
				apiKey,
				parse([
					checkin({ email: `  ${member.email.toUpperCase()} ` }, now, unique(), 'event:1'),
					checkin({ id: member.id.toUpperCase() }, now, unique(), 'event:2'),
					checkin({ id: member.id }, now, unique(), 'event:3')
				]),
				now
			);
			expect(statuses(outcome)).toEqual(['accepted', 'accepted', 'accepted']);
			const rows = await entriesFor(t.db, apiKey.id);
			expect(rows.map((r) => r.memberId)).toEqual([member.id, member.id, member.id]);
		});

		it('gives every rejection its precise reason and writes nothing for it, while the other items land', async () => {
			const member = await newMember(t.db);
			const untouched = await newMember(t.db);
			const { apiKey } = await newKey(t.db, ['venue_checkin', 'patronage', 'daily_visit']);
			const now = new Date();
			const ok = (n: number) =>
				checkin({ email: member.email }, new Date(now.getTime() - n * HOUR), `ok-${n}`, `event:${n}`);
			const items = [
				ok(1),
				checkin({ email: 'nobody-here@example.com' }, now, 'no-such-email'),
				checkin({ id: crypto.randomUUID() }, now, 'no-such-id'),
				{ ...checkin({ email: untouched.email }, now, 'moon'), kind: 'moon_landing' },
				{ ...checkin({ email: untouched.email }, now, 'vote'), kind: 'poll_vote', object: 'poll:1' },
				checkin({ email: untouched.email }, new Date(now.getTime() + 6 * 60_000), 'future'),
				checkin({ email: untouched.email }, new Date(now.getTime() - 366 * 24 * HOUR), 'ancient'),
				{ ...checkin({ email: untouched.email }, now, 'pay'), kind: 'patronage', object: 'invoice:1' },
				{ ...visit(untouched.email, now, 'visit-units'), units: 3 },
				ok(2)
			];
			const outcome = await ingestBatch(t.db, apiKey, parse(items), now);
			expect(outcome.results.map((r) => [r.idempotencyKey, r.status, r.reason])).toEqual([
				['ok-1', 'accepted', undefined],
				['no-such-email', 'rejected', 'unknown_member'],
				['no-such-id', 'rejected', 'unknown_member'],
				['moon', 'rejected', 'unknown_kind'],
				['vote', 'rejected', 'kind_not_in_scope'],
				['future', 'rejected', 'occurred_in_future'],
				['ancient', 'rejected', 'occurred_too_long_ago'],
				['pay', 'rejected', 'units_required'],
				['visit-units', 'rejected', 'units_not_applicable'],
				['ok-2', 'accepted', undefined]
			]);
			expect(outcome).toMatchObject({ accepted: 2, duplicates: 0, rejected: 8 });
			expect(outcome.results[1].message).toBe('No member with the email nobody-here@example.com.');
			for (const r of outcome.results.filter((r) => r.status === 'rejected')) expect(r.message).toBeTruthy();

			const rows = await entriesFor(t.db, apiKey.id);
			expect(rows.map((r) => r.idempotencyKey).sort()).toEqual(
				[ledgerKey(apiKey.id, 'ok-1'), ledgerKey(apiKey.id, 'ok-2')].sort()
			);
			// Not even a tier row was started for the member whose items were all refused.
			expect(await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, untouched.id))).toEqual([]);

			// A refused key is not spent: fixed, the same key goes through.
			const fixed = await ingestBatch(
				t.db,
				apiKey,
				parse([checkin({ email: untouched.email }, now, 'future')]),
				now
			);
			expect(statuses(fixed)).toEqual(['accepted']);
		});

		it('a conflict writes nothing either, not even a tier row for the other member', async () => {
			const first = await newMember(t.db);
			const second = await newMember(t.db);
			const { apiKey } = await newKey(t.db);
			const now = new Date();
			await ingestBatch(t.db, apiKey, parse([checkin({ email: first.email }, now, 'shared')]), now);
			const outcome = await ingestBatch(
				t.db,
				apiKey,
				parse([checkin({ email: second.email }, now, 'shared')]),
				now
			);
			expect(outcome.results[0]).toMatchObject({ status: 'rejected', reason: 'idempotency_conflict' });
			expect(await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, second.id))).toEqual([]);
		});

		it('keeps caps: a second daily visit the same day is accepted with 0 points and the reason', async () => {
			const member = await newMember(t.db);
			const { apiKey } = await newKey(t.db, ['daily_visit']);
			const now = new Date();
			const outcome = await ingestBatch(
				t.db,
				apiKey,
				parse([visit(member.email, new Date(now.getTime() - 60_000)), visit(member.email, now)]),
				now
			);
			expect(outcome.results.map((r) => [r.status, r.points, r.cappedReason])).toEqual([
				['accepted', 5, undefined],
				['accepted', 0, 'Daily limit reached (1 a day).']
			]);
		});

		it('per-unit kinds earn by units', async () => {
			const member = await newMember(t.db);
			const { apiKey } = await newKey(t.db, ['patronage']);
			const now = new Date();
			const outcome = await ingestBatch(
				t.db,
				apiKey,
				parse([
					{
						idempotencyKey: 'inv-1',
						member: { id: member.id },
						kind: 'patronage',
						object: 'invoice:1',
						occurredAt: now.toISOString(),
						units: 15
					},
					{
						idempotencyKey: 'inv-2',
						member: { id: member.id },
						kind: 'patronage',
						object: 'invoice:2',
						occurredAt: now.toISOString(),
						units: 0
					}
				]),
				now
			);
			expect(outcome.results.map((r) => [r.status, r.points])).toEqual([
				['accepted', 15],
				['accepted', 0]
			]);
		});

		it('a key repeated within one batch counts as sent after its first use', async () => {
			const member = await newMember(t.db);
			const { apiKey } = await newKey(t.db);
			const now = new Date();
			const same = checkin({ email: member.email }, now, 'twice');
			const outcome = await ingestBatch(
				t.db,
				apiKey,
				parse([
					same,
					{ ...same, object: 'event:9' },
					same,
					checkin({ email: 'ghost@example.com' }, now, 'ghost'),
					checkin({ email: member.email }, now, 'ghost', 'event:5')
				]),
				now
			);
			expect(outcome.results.map((r) => [r.status, r.reason])).toEqual([
				['accepted', undefined],
				['rejected', 'idempotency_conflict'],
				['duplicate', undefined],
				['rejected', 'unknown_member'],
				// The first "ghost" was refused, so the key was still free.
				['accepted', undefined]
			]);
			expect(await entriesFor(t.db, apiKey.id)).toHaveLength(2);
		});

		it('two partners may use the same idempotency key without colliding', async () => {
			const member = await newMember(t.db);
			const a = await newKey(t.db);
			const b = await newKey(t.db);
			const now = new Date();
			const item = checkin({ email: member.email }, now, 'order-1');
			const first = await ingestBatch(t.db, a.apiKey, parse([item]), now);
			const second = await ingestBatch(t.db, b.apiKey, parse([{ ...item, object: 'event:2' }]), now);
			expect([...statuses(first), ...statuses(second)]).toEqual(['accepted', 'accepted']);
			expect((await entriesFor(t.db, b.apiKey.id))[0].source).toBe(`partner:${b.apiKey.id}`);
		});

		it('a retry keeps its answer even when the clock or the scopes would now refuse it', async () => {
			const member = await newMember(t.db);
			const { apiKey } = await newKey(t.db, ['venue_checkin']);
			const at = new Date(Date.now() - HOUR);
			const item = checkin({ email: member.email }, at, 'late-retry');
			const first = await ingestBatch(t.db, apiKey, parse([item]), new Date());
			await t.db
				.update(apiKeys)
				.set({ scopes: ['daily_visit'] })
				.where(eq(apiKeys.id, apiKey.id));
			const later = new Date(at.getTime() + 400 * 24 * HOUR);
			const retry = await ingestBatch(t.db, { ...apiKey, scopes: ['daily_visit'] }, parse([item]), later);
			expect(retry.results[0]).toMatchObject({ status: 'duplicate', entryId: first.results[0].entryId });
			// A new key under the same conditions is refused.
			const fresh = await ingestBatch(
				t.db,
				{ ...apiKey, scopes: ['daily_visit'] },
				parse([{ ...item, idempotencyKey: 'new' }]),
				later
			);
			expect(fresh.results[0].reason).toBe('kind_not_in_scope');
		});

		it('moves members up the ladder like any other engagement', async () => {
			const member = await newMember(t.db);
			const { apiKey } = await newKey(t.db, ['referral']);
			const now = new Date();
			const referral = (n: number) => ({
				idempotencyKey: `ref-${n}`,
				member: { email: member.email },
				kind: 'referral',
				object: `friend:${n}`,
				occurredAt: new Date(now.getTime() - (3 - n) * 60_000).toISOString()
			});
			const outcome = await ingestBatch(t.db, apiKey, parse([referral(1), referral(2)]), now);
			expect(outcome.accepted).toBe(2);
			const [tier] = await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, member.id));
			expect(tier).toMatchObject({ earnedRank: 1 });
		});
	});

	describe('POST /api/v1/engagements', () => {
		it('answers 200 with a result per item and the counts', async () => {
			const member = await newMember(t.db);
			const { key, apiKey } = await newKey(t.db, ['venue_checkin']);
			const now = new Date();
			const response = await post(
				{
					items: [
						checkin({ email: member.email }, now, 'a'),
						checkin({ email: 'nobody@example.com' }, now, 'b'),
						checkin({ email: member.email }, now, 'a')
					]
				},
				{ key }
			);
			expect(response.status).toBe(200);
			expect(response.headers.get('cache-control')).toBe('no-store');
			const body = (await response.json()) as BatchOutcome;
			expect(body).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
			expect(body.results.map((r: ItemResult) => [r.index, r.idempotencyKey, r.status, r.reason])).toEqual([
				[0, 'a', 'accepted', undefined],
				[1, 'b', 'rejected', 'unknown_member'],
				[2, 'a', 'duplicate', undefined]
			]);
			const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
			expect(row.lastUsedAt).not.toBeNull();
		});

		it('refuses a missing, unknown or revoked key with 401 and WWW-Authenticate', async () => {
			const missing = await post({ items: [] });
			expect(missing.status).toBe(401);
			expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="encore"');
			expect((await missing.json()).error).toMatch(/Authorization: Bearer/);

			const basic = await post({ items: [] }, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
			expect(basic.status).toBe(401);

			const unknown = await post({ items: [] }, { key: 'enc_live_' + 'b'.repeat(32) });
			expect(unknown.status).toBe(401);
			expect(unknown.headers.get('www-authenticate')).toMatch(
				/^Bearer realm="encore", error="invalid_token"/
			);
			expect(await unknown.json()).toEqual({ error: 'Unknown API key.' });

			const member = await newMember(t.db);
			const { key, apiKey } = await newKey(t.db);
			await revokeApiKey(t.db, { id: apiKey.id, actorId: null });
			const revoked = await post({ items: [checkin({ email: member.email }, new Date())] }, { key });
			expect(revoked.status).toBe(401);
			expect(await revoked.json()).toEqual({ error: 'API key revoked.' });
			expect(await entriesFor(t.db, apiKey.id)).toEqual([]);
		});

		it('refuses malformed JSON and invalid bodies with 400 naming the field, writing nothing', async () => {
			const member = await newMember(t.db);
			const { key, apiKey } = await newKey(t.db);
			const malformed = await post(null, { key, raw: '{"items": [' });
			expect(malformed.status).toBe(400);
			expect(await malformed.json()).toMatchObject({ error: 'Malformed JSON.' });

			const withPoints = await post(
				{
					items: [
						checkin({ email: member.email }, new Date(), 'fine'),
						{ ...checkin({ email: member.email }, new Date()), points: -500 }
					]
				},
				{ key }
			);
			expect(withPoints.status).toBe(400);
			const body = await withPoints.json();
			expect(body.error).toBe('The request body is not a valid batch.');
			expect(body.issues).toEqual([
				{ path: 'items.1.points', message: expect.stringMatching(/points come from the earning rules/) }
			]);
			expect(await entriesFor(t.db, apiKey.id)).toEqual([]);
		});

		it('refuses oversized batches and bodies with 413, and other media types with 415', async () => {
			const { key } = await newKey(t.db);
			const member = await newMember(t.db);
			const tooMany = await post(
				{
					items: Array.from({ length: 1001 }, (_, i) => checkin({ email: member.email }, new Date(), `k${i}`))
				},
				{ key }
			);
			expect(tooMany.status).toBe(413);
			expect(await tooMany.json()).toMatchObject({
				error: 'Batch too large.',
				issues: [{ path: 'items', message: 'The batch has 1,001 items; send at most 1,000 per request.' }]
			});

			const huge = await post(null, { key, raw: `{"items": ["${'x'.repeat(MAX_BODY_BYTES)}"]}` });
			expect(huge.status).toBe(413);
			const declared = await post(null, {
				key,
				raw: '{"items": []}',
				headers: { 'content-length': String(MAX_BODY_BYTES + 1) }
			});
			expect(declared.status).toBe(413);

			const text = await post(null, { key, raw: 'items', headers: { 'content-type': 'text/plain' } });
			expect(text.status).toBe(415);
		});

		it('limits requests per key with 429 and Retry-After', async () => {
			const { key, apiKey } = await newKey(t.db);
			const other = await newKey(t.db);
			const member = await newMember(t.db);
			// Fill this key's window as if it had sent its allowance.
			await t.db.insert(rateLimits).values({
				key: rateLimitKey(apiKey.id),
				count: REQUEST_LIMIT.max * config.rateLimitFactor,
				windowStart: new Date()
			});
			const limited = await post({ items: [checkin({ email: member.email }, new Date())] }, { key });
			expect(limited.status).toBe(429);
			const retryAfter = Number(limited.headers.get('retry-after'));
			expect(retryAfter).toBeGreaterThan(0);
			expect(retryAfter).toBeLessThanOrEqual(REQUEST_LIMIT.windowSeconds);
			expect(await entriesFor(t.db, apiKey.id)).toEqual([]);
			// Another key has its own allowance.
			const fine = await post({ items: [checkin({ email: member.email }, new Date())] }, { key: other.key });
			expect(fine.status).toBe(200);
		});

		it('answers 500 and writes nothing of the batch when the database fails midway; the retry goes through', async () => {
			const member = await newMember(t.db);
			const { key, apiKey } = await newKey(t.db, ['venue_checkin']);
			const now = new Date();
			const doomed = unique('event:doomed');
			// A stand-in for an unexpected failure: the database refuses one of the rows.
			await t.db.execute(
				sql.raw(`create or replace function test_refuse_engagement() returns trigger as $$
					begin raise exception 'refused for the test'; end; $$ language plpgsql`)
			);
			await t.db.execute(
				sql.raw(`create trigger test_refuse_engagement before insert on engagements for each row
					when (new.object = '${doomed}') execute function test_refuse_engagement()`)
			);
			const items = [
				checkin({ email: member.email }, new Date(now.getTime() - HOUR), 'fine', 'event:1'),
				checkin({ email: member.email }, now, 'doomed', doomed)
			];
			const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
			try {
				const failed = await post({ items }, { key });
				expect(failed.status).toBe(500);
				expect(await failed.json()).toMatchObject({
					error: expect.stringMatching(/nothing of this batch was written/),
					requestId: 'test'
				});
				expect(JSON.parse(String(logged.mock.calls[0]?.[0]))).toMatchObject({
					message: 'partner batch failed',
					requestId: 'test',
					cause: 'refused for the test'
				});
				expect(await entriesFor(t.db, apiKey.id)).toEqual([]);
				expect(await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, member.id))).toEqual([]);
			} finally {
				logged.mockRestore();
				await t.db.execute(sql.raw('drop trigger test_refuse_engagement on engagements'));
			}
			const retried = await post({ items }, { key });
			expect(retried.status).toBe(200);
			expect(await retried.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0 });
		});
	});

	describe('/staff/api-keys', () => {
		function event(
			user: { id: string; role: 'fan' | 'staff' | 'admin' },
			form?: Record<string, string | string[]>
		) {
			const url = new URL('http://localhost/staff/api-keys');
			let request = new Request(url);
			if (form) {
				const data = new FormData();
				for (const [name, value] of Object.entries(form))
					for (const v of [value].flat()) data.append(name, v);
				request = new Request(url, { method: 'POST', body: data });
			}
			return { url, request, locals: { user, session: null, requestId: 'test' } } as unknown as RequestEvent;
		}
		type Handler = (e: RequestEvent) => Promise<unknown>;
		const create = actions.create as unknown as Handler;
		const revoke = actions.revoke as unknown as Handler;

		it('is for staff only, in the load and in every action', async () => {
			const fan = await newMember(t.db);
			const as = { id: fan.id, role: 'fan' as const };
			await expect((load as unknown as Handler)(event(as))).rejects.toMatchObject({ status: 403 });
			await expect(create(event(as, { name: 'x', scopes: 'daily_visit' }))).rejects.toMatchObject({
				status: 403
			});
			await expect(revoke(event(as, { id: crypto.randomUUID() }))).rejects.toMatchObject({ status: 403 });
		});

		it('creates a key, shows it once, and refills the form on errors', async () => {
			const staff = await newMember(t.db);
			const as = { id: staff.id, role: 'staff' as const };
			const empty = await create(event(as, { name: ' ' }));
			expect(empty).toMatchObject({
				status: 400,
				data: {
					action: 'create',
					errors: {
						name: 'Name the key after the partner system that will use it.',
						scopes: 'Choose at least one kind this key may send.'
					}
				}
			});
			const bogus = await create(event(as, { name: 'Shop', scopes: ['patronage', 'moon_landing'] }));
			expect(bogus).toMatchObject({
				status: 400,
				data: {
					errors: { scopes: 'Choose kinds from the list.' },
					values: { name: 'Shop', scopes: ['patronage', 'moon_landing'] }
				}
			});

			const name = unique('Streaming');
			const made = (await create(event(as, { name, scopes: ['drop_opened', 'daily_visit'] }))) as {
				created: { key: string; prefix: string; name: string };
			};
			expect(made.created.key).toMatch(/^enc_live_/);
			expect(made.created.prefix).toBe(made.created.key.slice(0, 15));
			const page = (await (load as unknown as Handler)(event(as))) as {
				keys: { id: string; name: string; prefix: string; scopes: { kind: string }[]; revoked: unknown }[];
				kinds: { kind: string }[];
			};
			const listed = page.keys.find((k) => k.name === name)!;
			expect(listed.scopes.map((s) => s.kind)).toEqual(['daily_visit', 'drop_opened']);
			expect(JSON.stringify(page)).not.toContain(made.created.key);
			expect(page.kinds.map((k) => k.kind).sort()).toEqual([...ALL_KINDS].sort());

			const revoked = await revoke(event(as, { id: listed.id }));
			expect(revoked).toMatchObject({ action: 'revoke', revoked: { name } });
			expect(await revoke(event(as, { id: listed.id }))).toMatchObject({ status: 404 });
			expect(await revoke(event(as, { id: 'nope' }))).toMatchObject({ status: 400 });
			expect((await authenticateApiKey(t.db, made.created.key)).status).toBe('revoked');
		});
	});
});

// PGlite runs one transaction at a time, so the race is proven on Postgres only.
onPostgres('partner ingestion under concurrency', (t) => {
	beforeAll(async () => {
		await seedEssentials(t.db);
	});
	beforeEach(() => {
		useDatabase(t.handle);
	});

	it('records the members nobody else is writing for at once, and waits for the others', async () => {
		const members = await Promise.all(Array.from({ length: 6 }, () => newMember(t.db)));
		const busy = members[2];
		const { apiKey } = await newKey(t.db);
		const at = new Date(Date.now() - 60_000);
		const items = parse(members.map((m, i) => checkin({ id: m.id }, at, `scan-${i}`, `event:${i}`)));
		// Another writer (a second app instance) holds one member's tier row.
		await t.db.insert(memberTiers).values({ memberId: busy.id });
		const other = postgres(t.url, { max: 1, onnotice: () => {} });
		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		let locked!: () => void;
		const lockTaken = new Promise<void>((resolve) => (locked = resolve));
		const holder = other.begin(async (sql) => {
			await sql`select 1 from member_tiers where member_id = ${busy.id} for update`;
			locked();
			await released;
		});
		try {
			await lockTaken;
			const ingest = ingestBatch(t.db, apiKey, items);
			// The five free members' entries commit while the busy one's wait.
			await vi.waitFor(
				async () => expect((await entriesFor(t.db, apiKey.id)).map((e) => e.memberId).sort()).toHaveLength(5),
				{ timeout: 5000, interval: 50 }
			);
			expect((await entriesFor(t.db, apiKey.id)).some((e) => e.memberId === busy.id)).toBe(false);
			release();
			await holder;
			const outcome = await ingest;
			expect(outcome.results.map((r) => r.status)).toEqual(Array(6).fill('accepted'));
			expect((await entriesFor(t.db, apiKey.id)).map((e) => e.memberId).sort()).toEqual(
				members.map((m) => m.id).sort()
			);
			const [row] = await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, busy.id));
			expect(row.lastEventAt).toEqual(at);
		} finally {
			release();
			await holder.catch(() => {});
			await other.end({ timeout: 1 });
		}
	});

	it('the same batch posted 5 times at once makes exactly one ledger entry per idempotency key', async () => {
		const members = await Promise.all(Array.from({ length: 8 }, () => newMember(t.db)));
		const { key, apiKey } = await newKey(t.db);
		const now = Date.now();
		const items = members.flatMap((m, i) => [
			visit(m.email, new Date(now - 10 * 60_000), `v-${i}`),
			visit(m.email, new Date(now - 5 * 60_000), `v2-${i}`),
			checkin({ id: m.id }, new Date(now - 60_000), `c-${i}`, `event:${i}`),
			checkin({ email: m.email.toUpperCase() }, new Date(now - 30_000), `c2-${i}`, `event:${i + 100}`)
		]);
		const responses = await Promise.all(Array.from({ length: 5 }, () => post({ items }, { key })));
		expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
		const bodies = (await Promise.all(responses.map((r) => r.json()))) as BatchOutcome[];
		expect(bodies.reduce((n, b) => n + b.accepted, 0)).toBe(items.length);
		expect(bodies.reduce((n, b) => n + b.duplicates, 0)).toBe(items.length * 4);
		for (let i = 0; i < items.length; i++) {
			expect(bodies.map((b) => b.results[i].status).sort()).toEqual([
				'accepted',
				'duplicate',
				'duplicate',
				'duplicate',
				'duplicate'
			]);
		}
		const counts = await t.db
			.select({ key: engagements.idempotencyKey, n: sql<number>`count(*)`.mapWith(Number) })
			.from(engagements)
			.where(like(engagements.idempotencyKey, `p:${apiKey.id}:%`))
			.groupBy(engagements.idempotencyKey);
		expect(counts).toHaveLength(items.length);
		expect(counts.every((c) => c.n === 1)).toBe(true);
		// Caps held under the race: one rewarded visit per member.
		const rewardedVisits = await t.db
			.select({ n: sql<number>`count(*)`.mapWith(Number) })
			.from(engagements)
			.where(
				and(
					like(engagements.idempotencyKey, `p:${apiKey.id}:%`),
					eq(engagements.kind, 'daily_visit'),
					sql`${engagements.points} > 0`
				)
			);
		expect(rewardedVisits[0].n).toBe(members.length);
	});
});
