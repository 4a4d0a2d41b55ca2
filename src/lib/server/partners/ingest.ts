// Partner ingestion: a batch of engagements from a partner system (box office, shop, streaming).
// The body's shape is checked as a whole (a malformed body is refused before anything is written);
// then every item is judged on its own, and the valid ones are recorded together in one
// transaction: a bad item writes nothing and does not stop the others.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { normaliseEmail } from '../auth';
import type { Database, Queryable } from '../db';
import { jsonList } from '../db/batch';
import { engagements, users, type ApiKey, type Engagement, type MemberTier } from '../db/schema';
import {
	type EarningRule,
	loadRules,
	loadTimeline,
	lockMemberTiers,
	payloadHash,
	recordEngagements,
	type BatchResult,
	type EngagementInput,
	addMonths,
	WINDOW_MONTHS
} from '../loyalty';
import { notErased } from '../privacy';

export const MAX_BATCH_ITEMS = 1000;
/** A batch of 1,000 items with every field at its maximum length still fits. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Partner clocks drift: an occurredAt up to this far ahead of ours is accepted. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Requests per API key (each up to MAX_BATCH_ITEMS items), counted in the database across instances. */
export const REQUEST_LIMIT = { max: 600, windowSeconds: 60 } as const;
/** Items whose schema problems are listed in a 400; the rest are counted. */
const MAX_REPORTED_ISSUES = 100;

export const POINTS_NOT_ALLOWED =
	'Partners cannot set points: points come from the earning rules for the kind. Leave points out (send units for per-unit kinds such as patronage).';

const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

const memberSchema = z
	.strictObject({
		email: z
			.string({ error: 'member.email must be a string.' })
			.trim()
			.max(254, 'member.email is too long (254 characters at most).')
			.regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u, 'member.email is not an email address.')
			.optional(),
		id: z.guid({ error: 'member.id must be a member id (a UUID).' }).optional()
	})
	.refine((m) => (m.email === undefined) !== (m.id === undefined), {
		message: 'Identify the member by email or by id: exactly one of the two.'
	});

export const ingestItemSchema = z.strictObject({
	idempotencyKey: z
		.string({ error: 'idempotencyKey is required: a string unique to this engagement.' })
		.min(1, 'idempotencyKey must not be empty.')
		.max(200, 'idempotencyKey is too long (200 characters at most).')
		.regex(/^[\x21-\x7e]+$/, 'idempotencyKey may contain visible ASCII characters only (no spaces).'),
	member: memberSchema,
	kind: z
		.string({ error: 'kind is required: an engagement kind such as "venue_checkin".' })
		.min(1, 'kind must not be empty.')
		.max(64, 'kind is too long (64 characters at most).')
		.regex(NO_CONTROL_CHARACTERS, 'kind must not contain control characters.'),
	object: z
		.string({ error: 'object must be a string, e.g. "event:42".' })
		.min(1, 'object must not be empty: leave it out instead.')
		.max(200, 'object is too long (200 characters at most).')
		// The database's text cannot hold NUL, and no partner means a control character.
		.regex(NO_CONTROL_CHARACTERS, 'object must not contain control characters.')
		.nullable()
		.optional(),
	occurredAt: z.iso
		.datetime({
			offset: true,
			error:
				'occurredAt must be an ISO 8601 date-time with seconds and a time zone, e.g. "2026-05-14T20:30:00Z".'
		})
		.transform((s) => new Date(s)),
	units: z
		.number({ error: 'units must be a number.' })
		.int('units must be a whole number (whole euros for patronage).')
		.min(0, 'units must not be negative.')
		.max(1_000_000, 'units is too large (1,000,000 at most).')
		.optional(),
	points: z.never({ error: POINTS_NOT_ALLOWED }).optional()
});

export const ingestBodySchema = z.strictObject({
	items: z
		.array(ingestItemSchema, { error: 'items is required: an array of engagements.' })
		.min(1, 'items must contain at least one engagement.')
		.max(MAX_BATCH_ITEMS, `A batch holds at most ${MAX_BATCH_ITEMS.toLocaleString('en-GB')} items.`)
});

export type IngestItem = z.output<typeof ingestItemSchema>;

export interface BodyIssue {
	/** Where in the body, e.g. "items.3.occurredAt" ("" for the body itself). */
	path: string;
	message: string;
}

export type ParsedBody =
	{ ok: true; items: IngestItem[] } | { ok: false; status: 400 | 413; error: string; issues: BodyIssue[] };

export function describeIssues(error: z.ZodError): BodyIssue[] {
	return error.issues.map((issue) => ({
		path: issue.path.map(String).join('.'),
		message: issue.message
	}));
}

/** JSON text in, the batch's items or why the request is refused out. Pure. */
export function parseIngestBody(text: string): ParsedBody {
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch (err) {
		const detail = err instanceof Error ? err.message : String(err);
		return { ok: false, status: 400, error: 'Malformed JSON.', issues: [{ path: '', message: detail }] };
	}
	// Count before validating: an oversized batch is refused without checking 100,000 items.
	const items = (body as { items?: unknown } | null)?.items;
	if (Array.isArray(items) && items.length > MAX_BATCH_ITEMS) {
		const message = `The batch has ${items.length.toLocaleString('en-GB')} items; send at most ${MAX_BATCH_ITEMS.toLocaleString('en-GB')} per request.`;
		return { ok: false, status: 413, error: 'Batch too large.', issues: [{ path: 'items', message }] };
	}
	const result = ingestBodySchema.safeParse(body);
	if (result.success) return { ok: true, items: result.data.items };
	const issues = describeIssues(result.error);
	const shown = issues.slice(0, MAX_REPORTED_ISSUES);
	if (issues.length > shown.length) {
		shown.push({ path: '', message: `…and ${issues.length - shown.length} more problems.` });
	}
	return { ok: false, status: 400, error: 'The request body is not a valid batch.', issues: shown };
}

export type RejectReason =
	| 'unknown_member'
	| 'unknown_kind'
	| 'kind_not_in_scope'
	| 'occurred_in_future'
	| 'occurred_too_long_ago'
	| 'units_required'
	| 'units_not_applicable'
	| 'idempotency_conflict'
	| 'invalid';

export interface Rejection {
	reason: RejectReason;
	message: string;
}

export interface ItemResult {
	index: number;
	idempotencyKey: string;
	status: 'accepted' | 'duplicate' | 'rejected';
	/** Rejected: a stable code for programs... */
	reason?: RejectReason;
	/** ...and a sentence for people. */
	message?: string;
	/** Accepted or duplicate: the ledger entry. */
	entryId?: number;
	points?: number;
	/** Why the entry earned fewer points than the rule gives (daily limit, already counted). */
	cappedReason?: string;
}

export interface BatchOutcome {
	results: ItemResult[];
	accepted: number;
	duplicates: number;
	rejected: number;
}

export type PartnerKey = Pick<ApiKey, 'id' | 'scopes'>;

/** The ledger's idempotency key: prefixed with the API key, so two partners never collide. */
export function ledgerKey(apiKeyId: string, idempotencyKey: string): string {
	return `p:${apiKeyId}:${idempotencyKey}`;
}

export function rateLimitKey(apiKeyId: string): string {
	return `api-key:${apiKeyId}`;
}

export function partnerSource(apiKeyId: string): string {
	return `partner:${apiKeyId}`;
}

function list(kinds: readonly string[]): string {
	return kinds.length ? kinds.map((k) => `"${k}"`).join(', ') : 'none';
}

function duration(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	if (minutes < 120) return `${Math.max(1, minutes)} minute${minutes === 1 ? '' : 's'}`;
	const hours = Math.round(ms / 3_600_000);
	if (hours < 48) return `${hours} hours`;
	return `${Math.round(ms / 86_400_000)} days`;
}

/**
 * Checks an item against the rules, the key's scopes and the clock: the reason it is refused, or null.
 * Pure; the member is resolved separately, and idempotency is the ledger's business.
 */
export function checkItem(
	item: Pick<IngestItem, 'kind' | 'occurredAt' | 'units'>,
	context: { rules: ReadonlyMap<string, EarningRule>; scopes: readonly string[]; now: Date }
): Rejection | null {
	const { rules, scopes, now } = context;
	const rule = rules.get(item.kind);
	if (!rule) {
		return {
			reason: 'unknown_kind',
			message: `Unknown engagement kind "${item.kind}". This key may send: ${list(scopes)}.`
		};
	}
	if (!scopes.includes(item.kind)) {
		return {
			reason: 'kind_not_in_scope',
			message: `This API key may not send "${item.kind}" engagements; it may send: ${list(scopes)}. Ask the house to widen the key's scopes.`
		};
	}
	const ahead = item.occurredAt.getTime() - now.getTime();
	if (ahead > CLOCK_SKEW_MS) {
		return {
			reason: 'occurred_in_future',
			message: `occurredAt is ${duration(ahead)} in the future; at most ${CLOCK_SKEW_MS / 60_000} minutes of clock skew is allowed.`
		};
	}
	// The points window is the 12 months up to now, start excluded: anything older would not count.
	const windowStart = addMonths(now, -WINDOW_MONTHS);
	if (item.occurredAt.getTime() <= windowStart.getTime()) {
		return {
			reason: 'occurred_too_long_ago',
			message: `occurredAt is more than ${WINDOW_MONTHS} months ago (on or before ${windowStart.toISOString()}); it would not count toward any tier.`
		};
	}
	if (rule.perUnit && item.units === undefined) {
		return {
			reason: 'units_required',
			message: `"${item.kind}" earns points per unit: send units (whole euros for patronage).`
		};
	}
	if (!rule.perUnit && item.units !== undefined) {
		return {
			reason: 'units_not_applicable',
			message: `"${item.kind}" earns a fixed number of points: leave units out.`
		};
	}
	return null;
}

/** Two queries for the whole batch: member ids by lower(email) and by id. */
async function resolveMembers(
	db: Database,
	items: readonly IngestItem[]
): Promise<{ byEmail: Map<string, string>; ids: Set<string> }> {
	const emails = [...new Set(items.flatMap((i) => (i.member.email ? [normaliseEmail(i.member.email)] : [])))];
	const ids = [...new Set(items.flatMap((i) => (i.member.id ? [i.member.id.toLowerCase()] : [])))];
	const lowerEmail = sql<string>`lower(${users.email})`;
	// Apart, each list uses its own index; joined by OR, Postgres reads the whole users table.
	const [byEmail, byId] = await Promise.all([
		emails.length
			? db
					.select({ id: users.id, email: lowerEmail })
					.from(users)
					.where(sql`${lowerEmail} in ${jsonList(emails, 'text')}`)
			: [],
		ids.length
			? db
					.select({ id: users.id })
					.from(users)
					// An erased account's tombstone keeps its id but is no member any more.
					.where(sql`${users.id} in ${jsonList(ids, 'uuid')} and ${notErased(users.id)}`)
			: []
	]);
	return { byEmail: new Map(byEmail.map((u) => [u.email, u.id])), ids: new Set(byId.map((u) => u.id)) };
}

function memberOf(
	item: IngestItem,
	members: { byEmail: Map<string, string>; ids: Set<string> }
): string | Rejection {
	if (item.member.email !== undefined) {
		return (
			members.byEmail.get(normaliseEmail(item.member.email)) ?? {
				reason: 'unknown_member',
				message: `No member with the email ${item.member.email}.`
			}
		);
	}
	const id = item.member.id!.toLowerCase();
	return members.ids.has(id)
		? id
		: { reason: 'unknown_member', message: `No member with the id ${item.member.id}.` };
}

/** What a retry needs to know of an entry already in the ledger. */
type LedgerEntry = Pick<Engagement, 'id' | 'points' | 'payloadHash' | 'cappedReason'>;

/** One query for the whole batch: the entries already holding any of its keys. */
async function entriesByKey(db: Database, keys: string[]): Promise<Map<string, LedgerEntry>> {
	const rows = await db
		.select({
			key: engagements.idempotencyKey,
			id: engagements.id,
			points: engagements.points,
			payloadHash: engagements.payloadHash,
			cappedReason: engagements.cappedReason
		})
		.from(engagements)
		.where(sql`${engagements.idempotencyKey} in ${jsonList(keys, 'text')}`);
	return new Map(rows.map(({ key, ...entry }) => [key, entry]));
}

function answerAccepted(base: Pick<ItemResult, 'index' | 'idempotencyKey'>, entry: LedgerEntry): ItemResult {
	return {
		...base,
		status: 'accepted',
		entryId: entry.id,
		points: entry.points,
		...(entry.cappedReason ? { cappedReason: entry.cappedReason } : {})
	};
}

/** The ledger's answer to a key it already holds: the same payload is a duplicate, another a conflict. */
function answerRetry(
	base: Pick<ItemResult, 'index' | 'idempotencyKey'>,
	entry: LedgerEntry,
	samePayload: boolean
): ItemResult {
	if (samePayload) return { ...answerAccepted(base, entry), status: 'duplicate' };
	return {
		...base,
		status: 'rejected',
		reason: 'idempotency_conflict',
		message: `This idempotency key was already used for a different engagement (entry ${entry.id}); use a new key for a new engagement.`,
		entryId: entry.id
	};
}

/** The API's answer for what the engine did with an item. */
function answerEngine(base: Pick<ItemResult, 'index' | 'idempotencyKey'>, result: BatchResult): ItemResult {
	switch (result.status) {
		case 'recorded':
			return answerAccepted(base, result.entry);
		case 'duplicate':
		case 'conflict':
			return answerRetry(base, result.entry, result.status === 'duplicate');
		case 'rejected':
			// Not expected (the engine judges with the rules checkItem used), but a refusal reads as one.
			return {
				...base,
				status: 'rejected',
				reason: result.code === 'unknown_kind' ? 'unknown_kind' : 'invalid',
				message: result.message
			};
	}
}

/**
 * Writes a partner's batch to the ledger and says what happened to each item. Every item is
 * checked on its own first (member, rules, scopes, clock); the valid ones are then recorded by the
 * engine in batch order, so caps count them in the order sent and a key repeated within the batch
 * counts as sent after its first use. Members no other batch is writing for go in one transaction,
 * the others in a second (each member's items together). A refused item writes nothing. Keys the
 * ledger already holds (a retried batch) are answered from one lookup, before any rule is applied
 * and without a write. An unexpected database error is thrown; what a transaction did not commit
 * is not written, and a retry of the same batch is safe (what was written answers as duplicates).
 */
export async function ingestBatch(
	db: Database,
	key: PartnerKey,
	items: readonly IngestItem[],
	now = new Date()
): Promise<BatchOutcome> {
	const source = partnerSource(key.id);
	const keys = items.map((item) => ledgerKey(key.id, item.idempotencyKey));
	const [members, ruleRows, timeline, existing] = await Promise.all([
		resolveMembers(db, items),
		loadRules(db),
		loadTimeline(db),
		entriesByKey(db, [...new Set(keys)])
	]);
	const rules = new Map(ruleRows.map((r) => [r.kind, r]));

	const results: ItemResult[] = new Array(items.length);
	const toRecord: { index: number; input: EngagementInput }[] = [];
	items.forEach((item, index) => {
		const base = { index, idempotencyKey: item.idempotencyKey };
		const member = memberOf(item, members);
		if (typeof member !== 'string') {
			results[index] = { ...base, status: 'rejected', ...member };
			return;
		}
		const input: EngagementInput = {
			memberId: member,
			kind: item.kind,
			object: item.object ?? null,
			occurredAt: item.occurredAt,
			units: item.units,
			source,
			idempotencyKey: keys[index]
		};
		// A key already in the ledger is a retry: duplicate or conflict, whatever the rules, scopes
		// or clock say now (a retry must not change its answer).
		const known = existing.get(input.idempotencyKey);
		if (known) {
			results[index] = answerRetry(base, known, known.payloadHash === payloadHash(input, item.occurredAt));
			return;
		}
		const problem = checkItem(item, { rules, scopes: key.scopes, now });
		if (problem) {
			results[index] = { ...base, status: 'rejected', ...problem };
			return;
		}
		toRecord.push({ index, input });
	});

	const record = (tx: Queryable, part: typeof toRecord, locked?: Map<string, MemberTier>) =>
		recordEngagements(
			tx,
			part.map((r) => r.input),
			{ now, timeline, rules: ruleRows, locked }
		).then((recorded) =>
			recorded.forEach((result, i) => {
				const { index } = part[i];
				results[index] = answerEngine({ index, idempotencyKey: items[index].idempotencyKey }, result);
			})
		);
	// Members another batch is writing for wait for a second transaction, so concurrent batches
	// that share a few members do not queue up whole. A member's items stay together and in order.
	// A key sent for two members is answered in batch order only if the batch stays whole.
	const memberOfKey = new Map<string, string>();
	let keyShared = false;
	for (const { input } of toRecord) {
		const seen = memberOfKey.get(input.idempotencyKey);
		if (seen !== undefined && seen !== input.memberId) keyShared = true;
		memberOfKey.set(input.idempotencyKey, input.memberId);
	}
	let waiting: typeof toRecord = [];
	if (toRecord.length) {
		await db.transaction(async (tx) => {
			if (keyShared) return record(tx, toRecord);
			const free = await lockMemberTiers(
				tx,
				toRecord.map((r) => r.input.memberId),
				{ onlyFree: true }
			);
			waiting = toRecord.filter((r) => !free.has(r.input.memberId));
			await record(
				tx,
				toRecord.filter((r) => free.has(r.input.memberId)),
				free
			);
		});
	}
	if (waiting.length) await db.transaction((tx) => record(tx, waiting));

	let accepted = 0;
	let duplicates = 0;
	for (const r of results) {
		if (r.status === 'accepted') accepted++;
		else if (r.status === 'duplicate') duplicates++;
	}
	return { results, accepted, duplicates, rejected: results.length - accepted - duplicates };
}
