// Retention of inactive accounts: one warning per inactivity spell (even with two instances),
// removal through the deletion path only if the fan stays away, staff never touched.
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSession, generateSessionToken } from '$lib/server/auth/session';
import { insertUser } from '$lib/server/auth/users';
import { openPostgres, type Database } from '$lib/server/db/connect';
import { accountDeletions, mailOutbox, retentionNotices, users } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { runRetention, runRetentionDueWork } from '$lib/server/privacy/retention';
import { forEachDriver, onPostgres, unique, uniqueEmail } from './harness';

const DAY = 24 * 60 * 60 * 1000;
const SETTINGS = { inactiveDays: 365, warningDays: 30 };

async function memberInactiveFor(db: Database, days: number, now: Date, role: 'fan' | 'staff' = 'fan') {
	const user = await insertUser(db, {
		email: uniqueEmail('idle'),
		displayName: unique('Idle'),
		passwordHash: 'x',
		role
	});
	const createdAt = new Date(now.getTime() - days * DAY);
	await db.update(users).set({ createdAt }).where(eq(users.id, user!.id));
	return user!;
}

async function mailsTo(db: Database, email: string) {
	return db.select().from(mailOutbox).where(eq(mailOutbox.to, email));
}

forEachDriver('privacy: retention', (t) => {
	it('warns once, then removes a fan who stayed away, and spares one who came back and staff', async () => {
		await seedEssentials(t.db);
		const now = new Date();
		const away = await memberInactiveFor(t.db, 340, now);
		const back = await memberInactiveFor(t.db, 340, now);
		const recent = await memberInactiveFor(t.db, 300, now);
		const staff = await memberInactiveFor(t.db, 900, now, 'staff');
		const ids = [away.id, back.id, recent.id, staff.id];

		const first = await runRetention(t.db, now, SETTINGS);
		expect(first.warned.filter((id) => ids.includes(id)).sort()).toEqual([away.id, back.id].sort());
		const [warning] = await mailsTo(t.db, away.email);
		expect(warning.kind).toBe('retention_warning');
		expect(warning.text).toContain('/login');

		// The same pass again (or a second instance) warns nobody twice.
		const second = await runRetention(t.db, new Date(now.getTime() + DAY), SETTINGS);
		expect(second.warned.filter((id) => ids.includes(id))).toEqual([]);
		expect(await mailsTo(t.db, away.email)).toHaveLength(1);

		// Not yet due (the promised 30 days after the warning have not passed).
		const early = await runRetention(t.db, new Date(now.getTime() + 29 * DAY), SETTINGS);
		expect(early.removed.filter((id) => ids.includes(id))).toEqual([]);

		// One of them signs in again: that is activity, the removal is off.
		await createSession(t.db, generateSessionToken(), back.id, null, new Date(now.getTime() + 2 * DAY));

		const due = await runRetention(t.db, new Date(now.getTime() + 31 * DAY), SETTINGS);
		expect(due.removed.filter((id) => ids.includes(id))).toEqual([away.id]);
		expect(due.cleared).toBeGreaterThanOrEqual(1);

		const rows = await t.db.select().from(users).where(inArray(users.id, ids));
		const byId = new Map(rows.map((r) => [r.id, r]));
		expect(byId.get(away.id)!.email).toBe(`deleted-${away.id}@invalid`);
		expect(byId.get(back.id)!.email).toBe(back.email);
		expect(byId.get(recent.id)!.email).toBe(recent.email);
		expect(byId.get(staff.id)!.email).toBe(staff.email);
		const [deletion] = await t.db
			.select()
			.from(accountDeletions)
			.where(eq(accountDeletions.memberId, away.id));
		expect(deletion.reason).toBe('retention');

		// The removed fan got the confirmation (the warning itself was erased with their data).
		const mails = await mailsTo(t.db, away.email);
		expect(mails.map((m) => m.kind)).toEqual(['account_deleted']);
		expect(mails[0].text).toContain('had not been used for a long time');
		const notices = await t.db.select().from(retentionNotices).where(inArray(retentionNotices.memberId, ids));
		expect(notices).toEqual([]);
	});

	it('warns nobody when retention is off', async () => {
		const now = new Date();
		const idle = await memberInactiveFor(t.db, 5000, now);
		const report = await runRetention(t.db, now, { inactiveDays: 0, warningDays: 30 });
		expect(report.warned).not.toContain(idle.id);
		expect(await mailsTo(t.db, idle.email)).toEqual([]);
	});

	it('runs at most once an hour across instances', async () => {
		const now = new Date(Date.now() + 1000 * DAY);
		expect(await runRetentionDueWork(t.db, now)).not.toBeNull();
		expect(await runRetentionDueWork(t.db, new Date(now.getTime() + 30 * 60 * 1000))).toBeNull();
		expect(await runRetentionDueWork(t.db, new Date(now.getTime() + 61 * 60 * 1000))).not.toBeNull();
		// A clock set back (the stamp is in the future) does not block it for good.
		expect(await runRetentionDueWork(t.db, new Date())).not.toBeNull();
	});
});

onPostgres('privacy: retention with two instances', (t) => {
	describe('concurrent passes', () => {
		it('send one warning per member', async () => {
			await seedEssentials(t.db);
			const now = new Date();
			const idle = await Promise.all([1, 2, 3].map(() => memberInactiveFor(t.db, 350, now)));
			const other = await openPostgres(t.url);
			try {
				const reports = await Promise.all([
					runRetention(t.db, now, SETTINGS),
					runRetention(other.db, now, SETTINGS)
				]);
				const warned = reports.flatMap((r) => r.warned).filter((id) => idle.some((u) => u.id === id));
				expect(warned.sort()).toEqual(idle.map((u) => u.id).sort());
				for (const u of idle) expect(await mailsTo(t.db, u.email)).toHaveLength(1);
			} finally {
				await other.close();
			}
		});
	});
});
