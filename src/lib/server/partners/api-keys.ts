// Keys for partner systems (box office, shop, streaming) that send engagements to the ingestion API.
// The key is shown once when it is created; the database keeps only its SHA-256 and a short prefix.
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { audit } from '../audit';
import { generateToken, hashToken } from '../auth';
import type { Queryable } from '../db';
import { apiKeys, type ApiKey } from '../db/schema';

export const KEY_PREFIX = 'enc_live_';
/** `enc_live_` and the 32 base32 characters of generateToken(): 160 bits. */
const KEY_PATTERN = /^enc_live_[a-z2-7]{32}$/;
/** Characters shown to staff: `enc_live_` and 6 more (30 of the 160 bits), enough to tell keys apart. */
const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 6;
/** last_used_at is a hint, not a log: write it at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** What staff see of a key: never the hash. */
export type ApiKeySummary = Omit<ApiKey, 'keyHash'>;

export function generateApiKey(): string {
	return KEY_PREFIX + generateToken();
}

export function displayPrefix(key: string): string {
	return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** The token from an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerToken(header: string | null | undefined): string | null {
	const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
	return match ? match[1] : null;
}

export interface NewApiKey {
	name: string;
	scopes: string[];
	createdBy: string | null;
}

/** Creates a key and returns its plaintext: the only time anyone sees it. Audited. */
export async function createApiKey(
	db: Queryable,
	input: NewApiKey
): Promise<{ key: string; apiKey: ApiKeySummary }> {
	const key = generateApiKey();
	const scopes = [...new Set(input.scopes)].sort();
	const row = await db.transaction(async (tx) => {
		const [created] = await tx
			.insert(apiKeys)
			.values({
				name: input.name.trim(),
				prefix: displayPrefix(key),
				keyHash: hashToken(key),
				scopes,
				createdBy: input.createdBy
			})
			.returning();
		await audit(tx, {
			actorId: input.createdBy,
			action: 'api_key.create',
			subjectType: 'api_key',
			subjectId: created.id,
			details: { name: created.name, prefix: created.prefix, scopes }
		});
		return created;
	});
	return { key, apiKey: summary(row) };
}

function summary(row: ApiKey): ApiKeySummary {
	const { keyHash: _keyHash, ...rest } = row;
	return rest;
}

/** Every key, newest first, revoked ones included (staff need to see what was cut off and when). */
export async function listApiKeys(db: Queryable): Promise<ApiKeySummary[]> {
	const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
	return rows.map(summary);
}

/** Revokes a key at once; null when there is no such key or it was already revoked. Audited. */
export async function revokeApiKey(
	db: Queryable,
	input: { id: string; actorId: string | null },
	now = new Date()
): Promise<ApiKeySummary | null> {
	return db.transaction(async (tx) => {
		const [row] = await tx
			.update(apiKeys)
			.set({ revokedAt: now })
			.where(and(eq(apiKeys.id, input.id), isNull(apiKeys.revokedAt)))
			.returning();
		if (!row) return null;
		await audit(tx, {
			actorId: input.actorId,
			action: 'api_key.revoke',
			subjectType: 'api_key',
			subjectId: row.id,
			details: { name: row.name, prefix: row.prefix }
		});
		return summary(row);
	});
}

export type ApiKeyCheck =
	{ status: 'ok'; key: ApiKey } | { status: 'revoked'; key: ApiKey } | { status: 'unknown' };

/** Looks a presented key up by its hash. A revoked key answers `revoked`, so the API can say so. */
export async function authenticateApiKey(
	db: Queryable,
	presented: string | null | undefined,
	now = new Date()
): Promise<ApiKeyCheck> {
	// A string that cannot be a key never reaches the database.
	if (!presented || !KEY_PATTERN.test(presented)) return { status: 'unknown' };
	const [key] = await db
		.select()
		.from(apiKeys)
		.where(eq(apiKeys.keyHash, hashToken(presented)))
		.limit(1);
	if (!key) return { status: 'unknown' };
	if (key.revokedAt) return { status: 'revoked', key };
	if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
		const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
		await db
			.update(apiKeys)
			.set({ lastUsedAt: now })
			.where(
				and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore)))
			);
		key.lastUsedAt = now;
	}
	return { status: 'ok', key };
}
