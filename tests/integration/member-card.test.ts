import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import type { Database } from '$lib/server/db/connect';
import { engagements } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { checkInMember } from '$lib/server/door/check-in';
import {
	formatManualCode,
	getMemberCardKey,
	manualCode,
	signMemberToken
} from '$lib/server/loyalty/member-card';
import { forEachDriver, uniqueEmail } from './harness';

async function newMember(db: Database, displayName = 'Mara Member'): Promise<string> {
	const user = await insertUser(db, { email: uniqueEmail('card'), displayName, passwordHash: 'x' });
	return user!.id;
}

async function ledgerOf(db: Database, memberId: string) {
	return db.select().from(engagements).where(eq(engagements.memberId, memberId)).orderBy(engagements.id);
}

async function ledgerSize(db: Database): Promise<number> {
	const [row] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(engagements);
	return row.n;
}

// 19:42 in Brussels (the default house time zone) on 14 May, then the next evening.
const evening = new Date('2026-05-14T17:42:00Z');
const later = new Date('2026-05-14T20:05:00Z');
const nextEvening = new Date('2026-05-15T18:10:00Z');

forEachDriver('member card check-in', (t) => {
	it('checks a member in once a day: points first, then "already checked in"', async () => {
		await seedEssentials(t.db);
		const member = await newMember(t.db);
		const staff = await newMember(t.db, 'Door Staff');
		const token = signMemberToken(await getMemberCardKey(t.db), member);

		const first = await checkInMember(t.db, {
			code: token,
			venue: 'Main venue',
			staffId: staff,
			now: evening
		});
		expect(first).toMatchObject({
			status: 'checked-in',
			member: { id: member, name: 'Mara Member', tier: { name: 'Listener', rank: 0 } },
			venue: 'Main venue',
			time: '19:42',
			points: 100,
			cappedReason: null,
			tierUp: null
		});

		const second = await checkInMember(t.db, {
			code: token,
			venue: 'Main venue',
			staffId: staff,
			now: later
		});
		expect(second).toMatchObject({ status: 'already', member: { id: member }, time: '19:42' });

		const entries = await ledgerOf(t.db, member);
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({
			kind: 'venue_checkin',
			points: 100,
			object: 'venue:main-venue:2026-05-14',
			source: `staff:${staff}`,
			idempotencyKey: `checkin:${member}:main-venue:2026-05-14`,
			day: '2026-05-14'
		});

		const nextDay = await checkInMember(t.db, {
			code: token,
			venue: 'Main venue',
			staffId: staff,
			now: nextEvening
		});
		expect(nextDay).toMatchObject({ status: 'checked-in', points: 100, time: '20:10' });
		expect((await ledgerOf(t.db, member)).map((e) => e.points)).toEqual([100, 100]);
	});

	it('gives no second helping of points at another venue the same day', async () => {
		const member = await newMember(t.db);
		const staff = await newMember(t.db, 'Door Staff');
		const token = signMemberToken(await getMemberCardKey(t.db), member);
		await checkInMember(t.db, { code: token, venue: 'Main venue', staffId: staff, now: evening });
		const elsewhere = await checkInMember(t.db, {
			code: token,
			venue: 'Club stage',
			staffId: staff,
			now: later
		});
		expect(elsewhere).toMatchObject({ status: 'checked-in', venue: 'Club stage', points: 0 });
		expect(elsewhere.status === 'checked-in' && elsewhere.cappedReason).toMatch(/Daily limit/);
		expect((await ledgerOf(t.db, member)).map((e) => e.points)).toEqual([100, 0]);
	});

	it('accepts the typed manual code, in any spelling staff may type it', async () => {
		const member = await newMember(t.db);
		const staff = await newMember(t.db, 'Door Staff');
		const code = manualCode(await getMemberCardKey(t.db), member);
		const typed = formatManualCode(code).toLowerCase().replaceAll('0', 'o');
		const result = await checkInMember(t.db, { code: ` ${typed} `, venue: '', staffId: staff, now: evening });
		expect(result).toMatchObject({
			status: 'checked-in',
			member: { id: member },
			venue: 'Main venue',
			points: 100
		});
	});

	it('reports the tier a check-in lifts the member to', async () => {
		const member = await newMember(t.db);
		const staff = await newMember(t.db, 'Door Staff');
		const token = signMemberToken(await getMemberCardKey(t.db), member);
		await checkInMember(t.db, { code: token, staffId: staff, now: new Date('2026-05-10T19:00:00Z') });
		const second = await checkInMember(t.db, {
			code: token,
			staffId: staff,
			now: new Date('2026-05-11T19:00:00Z')
		});
		expect(second).toMatchObject({
			status: 'checked-in',
			member: { tier: { name: 'Fan', rank: 1 } },
			tierUp: { name: 'Fan' }
		});
	});

	it('rejects forged, tampered and unknown codes and writes nothing', async () => {
		const member = await newMember(t.db);
		const staff = await newMember(t.db, 'Door Staff');
		const key = await getMemberCardKey(t.db);
		const genuine = signMemberToken(key, member);
		const otherKey = new Uint8Array(32).fill(7);
		const before = await ledgerSize(t.db);

		const forged = signMemberToken(otherKey, member);
		const victim = signMemberToken(key, await newMember(t.db)).split('.')[2];
		const swapped = `${genuine.split('.').slice(0, 2).join('.')}.${victim}`;
		const wrongCode = manualCode(otherKey, member);
		for (const code of [forged, swapped, genuine.slice(0, -2), wrongCode, 'hello', '']) {
			const result = await checkInMember(t.db, { code, venue: 'Main venue', staffId: staff, now: evening });
			expect(result.status, code).toBe('invalid');
		}
		const reasons = await Promise.all(
			[forged, wrongCode, 'hello'].map((code) => checkInMember(t.db, { code, staffId: staff, now: evening }))
		);
		expect(reasons.map((r) => r.status === 'invalid' && r.reason)).toEqual([
			'bad-signature',
			'unknown-code',
			'unreadable'
		]);
		expect(await ledgerSize(t.db)).toBe(before);
	});

	it('rejects a genuine signature for a member who does not exist', async () => {
		const staff = await newMember(t.db, 'Door Staff');
		const key = await getMemberCardKey(t.db);
		const before = await ledgerSize(t.db);
		const result = await checkInMember(t.db, {
			code: signMemberToken(key, '00000000-0000-4000-8000-000000000000'),
			staffId: staff,
			now: evening
		});
		expect(result).toEqual({ status: 'invalid', reason: 'no-member' });
		expect(await ledgerSize(t.db)).toBe(before);
	});

	it('keeps one signing key per database, so cards survive restarts and other instances', async () => {
		const member = await newMember(t.db);
		const a = await getMemberCardKey(t.db);
		const b = await getMemberCardKey(t.db);
		expect(a).toHaveLength(32);
		expect(signMemberToken(a, member)).toBe(signMemberToken(b, member));
	});
});
