import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type EarningRule } from '$lib/server/loyalty/earning';
import {
	checkItem,
	CLOCK_SKEW_MS,
	ingestBodySchema,
	ledgerKey,
	MAX_BATCH_ITEMS,
	parseIngestBody,
	partnerSource,
	POINTS_NOT_ALLOWED,
	type IngestItem
} from '$lib/server/partners/ingest';

const MEMBER_ID = '0b9a2b8e-3c1e-4a4e-9d2f-7e3f1d2c4b5a';

function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		idempotencyKey: 'box-office-1',
		member: { email: 'fan@example.com' },
		kind: 'venue_checkin',
		object: 'event:42',
		occurredAt: '2026-05-14T20:30:00Z',
		...overrides
	};
}

const body = (...items: Record<string, unknown>[]) => JSON.stringify({ items });

function issuesOf(text: string) {
	const parsed = parseIngestBody(text);
	if (parsed.ok) throw new Error('expected the body to be refused');
	return parsed;
}

describe('parseIngestBody', () => {
	it('refuses control characters (the database cannot store NUL) with a message, not a crash', () => {
		const refused = issuesOf(
			body(
				item({ object: 'event:\u000042' }),
				item({ kind: 'venue\u0007checkin' }),
				item({ member: { email: 'a\u0000@b.c' } })
			)
		);
		expect(refused.status).toBe(400);
		expect(refused.issues).toEqual([
			{ path: 'items.0.object', message: 'object must not contain control characters.' },
			{ path: 'items.1.kind', message: 'kind must not contain control characters.' },
			{ path: 'items.2.member.email', message: 'member.email is not an email address.' }
		]);
		expect(parseIngestBody(body(item({ object: 'événement:42 ✓' }))).ok).toBe(true);
	});

	it('accepts members by email or by id, with dates in any time zone', () => {
		const parsed = parseIngestBody(
			body(
				item(),
				item({
					idempotencyKey: 'shop-9',
					member: { id: MEMBER_ID },
					kind: 'patronage',
					object: null,
					occurredAt: '2026-05-14T22:30:00.123+02:00',
					units: 15
				})
			)
		);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.items[0]).toEqual({
			idempotencyKey: 'box-office-1',
			member: { email: 'fan@example.com' },
			kind: 'venue_checkin',
			object: 'event:42',
			occurredAt: new Date('2026-05-14T20:30:00Z')
		});
		expect(parsed.items[1]).toMatchObject({
			member: { id: MEMBER_ID },
			object: null,
			units: 15,
			occurredAt: new Date('2026-05-14T20:30:00.123Z')
		});
	});

	it('refuses malformed JSON with 400', () => {
		const refused = issuesOf('{"items": [');
		expect(refused).toMatchObject({ status: 400, error: 'Malformed JSON.' });
		expect(refused.issues[0].message).not.toBe('');
	});

	it.each([
		['null', 'null', ''],
		['an array', '[]', ''],
		['no items', '{}', 'items'],
		['items not an array', '{"items": {}}', 'items'],
		['an empty batch', '{"items": []}', 'items'],
		['an unknown top-level field', '{"items": [], "extra": 1}', '']
	])('refuses %s with 400 naming the path', (_name, text, path) => {
		const refused = issuesOf(text);
		expect(refused.status).toBe(400);
		expect(refused.error).toBe('The request body is not a valid batch.');
		expect(refused.issues.map((i) => i.path)).toContain(path);
	});

	it('refuses any points field, negative or not, and says points come from the earning rules', () => {
		for (const points of [-50, 0, 20, '5']) {
			const refused = issuesOf(body(item(), item({ idempotencyKey: 'b', points })));
			expect(refused.issues).toEqual([{ path: 'items.1.points', message: POINTS_NOT_ALLOWED }]);
		}
		expect(POINTS_NOT_ALLOWED).toMatch(/points come from the earning rules/);
	});

	it.each([
		['no member', { member: undefined }, 'items.0.member'],
		['both email and id', { member: { email: 'a@b.c', id: MEMBER_ID } }, 'items.0.member'],
		['neither email nor id', { member: {} }, 'items.0.member'],
		['a member id that is not a UUID', { member: { id: '42' } }, 'items.0.member.id'],
		['a member email that is not one', { member: { email: 'nobody' } }, 'items.0.member.email'],
		['another way to name a member', { member: { phone: '+32 470' } }, 'items.0.member'],
		['no idempotency key', { idempotencyKey: undefined }, 'items.0.idempotencyKey'],
		['an empty idempotency key', { idempotencyKey: '' }, 'items.0.idempotencyKey'],
		['an idempotency key with spaces', { idempotencyKey: 'order 12' }, 'items.0.idempotencyKey'],
		['a too long idempotency key', { idempotencyKey: 'k'.repeat(201) }, 'items.0.idempotencyKey'],
		['no kind', { kind: undefined }, 'items.0.kind'],
		['a date without a time zone', { occurredAt: '2026-05-14T20:30:00' }, 'items.0.occurredAt'],
		['a date only', { occurredAt: '2026-05-14' }, 'items.0.occurredAt'],
		['an impossible date', { occurredAt: '2026-02-30T10:00:00Z' }, 'items.0.occurredAt'],
		['a timestamp number', { occurredAt: 1778790600000 }, 'items.0.occurredAt'],
		['negative units', { units: -1 }, 'items.0.units'],
		['fractional units', { units: 2.5 }, 'items.0.units'],
		['units as text', { units: '15' }, 'items.0.units'],
		['an empty object', { object: '' }, 'items.0.object'],
		['an unknown field', { occured_at: '2026-05-14T20:30:00Z' }, 'items.0']
	])('refuses an item with %s, naming %s', (_name, overrides, path) => {
		const refused = issuesOf(body(item(overrides)));
		expect(refused.status).toBe(400);
		expect(refused.issues.map((i) => i.path)).toContain(path);
		for (const issue of refused.issues) expect(issue.message.length).toBeGreaterThan(5);
	});

	it(`takes ${MAX_BATCH_ITEMS} items, and refuses more with 413 before checking them`, () => {
		const full = Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => item({ idempotencyKey: `k${i}` }));
		expect(parseIngestBody(JSON.stringify({ items: full })).ok).toBe(true);
		// Items that are not even objects: the size alone refuses the batch.
		const refused = issuesOf(JSON.stringify({ items: Array(MAX_BATCH_ITEMS + 1).fill(0) }));
		expect(refused).toMatchObject({ status: 413, error: 'Batch too large.' });
		expect(refused.issues).toEqual([
			{ path: 'items', message: 'The batch has 1,001 items; send at most 1,000 per request.' }
		]);
		expect(ingestBodySchema.safeParse({ items: Array(MAX_BATCH_ITEMS + 1).fill(item()) }).success).toBe(
			false
		);
	});

	it('lists at most 100 problems, then counts the rest', () => {
		const refused = issuesOf(JSON.stringify({ items: Array(150).fill(item({ points: 1 })) }));
		expect(refused.issues).toHaveLength(101);
		expect(refused.issues.at(-1)).toEqual({ path: '', message: '…and 50 more problems.' });
	});
});

describe('checkItem', () => {
	const rules = new Map<string, EarningRule>(DEFAULT_RULES.map((r) => [r.kind, r]));
	const now = new Date('2026-06-01T12:00:00Z');
	const scopes = ['venue_checkin', 'patronage', 'daily_visit'];
	const check = (overrides: Partial<IngestItem>) =>
		checkItem(
			{ kind: 'venue_checkin', occurredAt: now, units: undefined, ...overrides },
			{ rules, scopes, now }
		);

	it('passes an item within the rules, the scopes and the clock', () => {
		expect(check({})).toBeNull();
		expect(check({ kind: 'patronage', units: 0 })).toBeNull();
	});

	it('names an unknown kind before the scopes (the kind does not exist at all)', () => {
		expect(check({ kind: 'moon_landing' })).toEqual({
			reason: 'unknown_kind',
			message:
				'Unknown engagement kind "moon_landing". This key may send: "venue_checkin", "patronage", "daily_visit".'
		});
	});

	it('refuses a kind outside the key scopes', () => {
		expect(check({ kind: 'poll_vote' })).toMatchObject({ reason: 'kind_not_in_scope' });
		expect(check({ kind: 'poll_vote' })?.message).toMatch(/may not send "poll_vote"/);
	});

	it(`allows ${CLOCK_SKEW_MS / 60_000} minutes of clock skew and no more`, () => {
		expect(check({ occurredAt: new Date(now.getTime() + CLOCK_SKEW_MS) })).toBeNull();
		const ahead = check({ occurredAt: new Date(now.getTime() + CLOCK_SKEW_MS + 1) });
		expect(ahead).toEqual({
			reason: 'occurred_in_future',
			message: 'occurredAt is 5 minutes in the future; at most 5 minutes of clock skew is allowed.'
		});
		expect(check({ occurredAt: new Date('2026-06-01T15:00:00Z') })?.message).toMatch(
			/^occurredAt is 3 hours/
		);
		expect(check({ occurredAt: new Date('2026-06-03T12:00:00Z') })?.message).toMatch(/^occurredAt is 2 days/);
	});

	it('refuses what is older than the 12-month window, which would not count', () => {
		expect(check({ occurredAt: new Date('2025-06-01T12:00:00.001Z') })).toBeNull();
		expect(check({ occurredAt: new Date('2025-06-01T12:00:00Z') })).toEqual({
			reason: 'occurred_too_long_ago',
			message:
				'occurredAt is more than 12 months ago (on or before 2025-06-01T12:00:00.000Z); it would not count toward any tier.'
		});
	});

	it('wants units for per-unit kinds only', () => {
		expect(check({ kind: 'patronage' })).toMatchObject({ reason: 'units_required' });
		expect(check({ units: 1 })).toMatchObject({ reason: 'units_not_applicable' });
	});
});

describe('ledger identity', () => {
	it('prefixes the partner idempotency key with the API key id, and names the source after it', () => {
		expect(ledgerKey('k1', 'order-7')).toBe('p:k1:order-7');
		expect(ledgerKey('k2', 'order-7')).not.toBe(ledgerKey('k1', 'order-7'));
		expect(partnerSource('k1')).toBe('partner:k1');
	});
});
