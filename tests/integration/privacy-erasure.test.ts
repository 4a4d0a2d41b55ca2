// A member with a full history: the export holds every table's rows for them, and after deletion
// nothing personal of theirs is left anywhere in the database (every text and JSON column searched).
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { audit } from '$lib/server/audit';
import { requestPasswordReset, signIn, signUp } from '$lib/server/accounts';
import { hashPassword } from '$lib/server/auth/password';
import { validateSessionToken } from '$lib/server/auth/session';
import { insertUser } from '$lib/server/auth/users';
import { rowsOf, type Database } from '$lib/server/db/connect';
import { accountDeletions, auditLog, engagements, mailOutbox, users } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { notify } from '$lib/server/notifications/inbox';
import { adjustPoints } from '$lib/server/loyalty/adjust';
import { recordEngagement } from '$lib/server/loyalty';
import { createApiKey } from '$lib/server/partners/api-keys';
import { ingestBatch, parseIngestBody } from '$lib/server/partners/ingest';
import { EXPORT_LIMIT, exportForDownload } from '$lib/server/privacy/account-page';
import { updateConsents } from '$lib/server/privacy/consents';
import { deleteAccount, requestAccountDeletion } from '$lib/server/privacy/delete-account';
import { beforeAccountDeletion, DeletionBlockedError } from '$lib/server/privacy/hooks';
import { exportMemberData } from '$lib/server/privacy/member-data';
import { houseTimeZone } from '$lib/server/house';
import { calendarDay } from '$lib/time';
import { isPersonal, personalDataPolicy, TOMBSTONE_NAME, tombstoneEmail } from '$lib/server/privacy/policy';
import { runRetention } from '$lib/server/privacy/retention';
import { forEachDriver, unique, uniqueEmail, uniqueIp } from './harness';

const PASSWORD = 'a long walk to the venue';

/** Every column of every table (any schema but the system's) that can hold text. */
async function textColumns(db: Database) {
	return rowsOf<{ table_schema: string; table_name: string; column_name: string }>(
		await db.execute(sql`
			select c.table_schema, c.table_name, c.column_name
			from information_schema.columns c
			join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
			where t.table_type = 'BASE TABLE'
				and c.table_schema not in ('pg_catalog', 'information_schema', 'drizzle')
				and c.table_schema not like 'pg\\_%'
				and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')`)
	);
}

/** Where a string still appears: "table.column (n rows)" for each hit. */
async function whereFound(db: Database, needle: string, except?: (table: string) => string | null) {
	const hits: string[] = [];
	for (const c of await textColumns(db)) {
		const ident = sql.raw(`"${c.table_schema}"."${c.table_name}"`);
		const column = sql.raw(`"${c.column_name}"`);
		const extra = except?.(c.table_name);
		const [row] = rowsOf<{ n: number | string }>(
			await db.execute(
				sql`select count(*) as n from ${ident} where position(lower(${needle}) in lower(${column}::text)) > 0 ${extra ? sql.raw(`and not (${extra})`) : sql``}`
			)
		);
		if (Number(row.n) > 0) hits.push(`${c.table_name}.${c.column_name} (${row.n})`);
	}
	return hits;
}

/** Rows that still reference the member by an id column, per table, from the database catalog. */
async function referencingRows(db: Database, memberId: string) {
	const fks = rowsOf<{ table_name: string; column_name: string }>(
		await db.execute(sql`
			select cl.relname as table_name, a.attname as column_name
			from pg_constraint c
			join pg_class cl on cl.oid = c.conrelid
			join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
			where c.contype = 'f' and c.confrelid = 'public.users'::regclass`)
	);
	const counts: Record<string, number> = {};
	for (const { table_name, column_name } of fks) {
		const [row] = rowsOf<{ n: number | string }>(
			await db.execute(
				sql`select count(*) as n from ${sql.raw(`"${table_name}"`)} where ${sql.raw(`"${column_name}"`)} = ${memberId}`
			)
		);
		counts[table_name] = (counts[table_name] ?? 0) + Number(row.n);
	}
	return counts;
}

async function ledgerTotal(db: Database, memberId: string) {
	const [row] = await db
		.select({ sum: sql<number>`coalesce(sum(${engagements.points}), 0)`.mapWith(Number) })
		.from(engagements)
		.where(eq(engagements.memberId, memberId));
	return row.sum;
}

async function newStaff(db: Database, role: 'staff' | 'admin' = 'staff') {
	const user = await insertUser(db, {
		email: uniqueEmail('staff'),
		displayName: unique('Staffer'),
		passwordHash: await hashPassword(PASSWORD),
		role
	});
	return user!;
}

/** A fan who signed up, signed in, earned points, tiered up, got notifications and changed consents. */
async function fanWithHistory(db: Database) {
	const email = uniqueEmail('erase');
	const displayName = `Zelda ${unique('Quixote')}`;
	const ip = uniqueIp();
	const up = await signUp(
		db,
		{ displayName, email, password: PASSWORD, consentAnalytics: true, consentMarketing: false },
		ip,
		'Phone/1.0'
	);
	if (!up.ok) throw new Error(JSON.stringify(up.errors));
	const member = up.value.user;
	const signedIn = await signIn(db, { email, password: PASSWORD }, ip, 'Laptop/2.0');
	if (!signedIn.ok) throw new Error('sign-in failed');
	await requestPasswordReset(db, email, ip);
	await db.transaction((tx) =>
		recordEngagement(tx, {
			memberId: member.id,
			kind: 'daily_visit',
			source: 'portal',
			idempotencyKey: unique('visit')
		})
	);
	const staff = await newStaff(db);
	const adjusted = await adjustPoints(
		db,
		{ email, points: 250, reason: 'Helped at the merch stand', requestId: unique('request') },
		staff.id
	);
	if (!adjusted.ok) throw new Error(JSON.stringify(adjusted.errors));
	await notify(db, {
		memberId: member.id,
		kind: 'note',
		title: `Welcome, ${displayName}`,
		body: `We wrote to ${email}.`,
		data: { name: displayName }
	});
	await updateConsents(db, member.id, { analytics: false, marketing: true });
	// A staff entry about the member that quotes their name and address (scrubbed, not deleted).
	await audit(db, {
		actorId: staff.id,
		action: 'member.contacted',
		subjectType: 'user',
		subjectId: member.id,
		details: { to: email, note: `Phoned ${displayName} about the tour`, tags: [displayName] }
	});
	return { member, email, displayName, token: signedIn.value.token, staff };
}

forEachDriver('privacy: export and erasure', (t) => {
	it('exports every table that holds the member, without secrets', async () => {
		await seedEssentials(t.db);
		const { member, email, displayName, token } = await fanWithHistory(t.db);
		const data = await exportMemberData(t.db, { memberId: member.id, email, displayName, now: new Date() });

		// Every table that references the member (found in the catalog, not from the policy) is exported in full.
		const referenced = await referencingRows(t.db, member.id);
		for (const [table, n] of Object.entries(referenced)) {
			if (n === 0) continue;
			expect(data.tables[table]?.length ?? 0, `export of ${table}`).toBeGreaterThanOrEqual(n);
		}
		for (const table of [
			'users',
			'sessions',
			'auth_tokens',
			'engagements',
			'tier_changes',
			'member_tiers',
			'inbox_items',
			'audit_log',
			'mail_outbox',
			'rate_limits'
		])
			expect(data.tables[table]?.length ?? 0, `rows of ${table}`).toBeGreaterThan(0);
		expect(data.member).toMatchObject({ id: member.id, email, displayName });
		expect(data.consents).toMatchObject({ analytics: false, marketing: true });
		expect(data.tables.tier_changes[0]).toMatchObject({ memberId: member.id, toRank: 1 });
		expect(data.tables.audit_log.map((r) => r.action)).toEqual(
			expect.arrayContaining(['privacy.consents_given', 'privacy.consents_changed', 'points.adjusted'])
		);

		// Secrets never leave: password hash, session and token hashes, emailed links.
		const json = JSON.stringify(data);
		const [row] = await t.db.select().from(users).where(eq(users.id, member.id));
		expect(json).not.toContain(row.passwordHash);
		expect(json).not.toContain('passwordHash');
		expect(json).not.toContain(token);
		for (const s of data.tables.sessions) expect(s).not.toHaveProperty('id');
		for (const m of data.tables.mail_outbox) expect(m).not.toHaveProperty('text');
		expect(json).not.toMatch(/reset-password\/[a-z2-7]{32}/);
	});

	it('erases every personal field, keeps the ledger, signs out everywhere and refuses the old sign-in', async () => {
		await seedEssentials(t.db);
		const { member, email, displayName, token } = await fanWithHistory(t.db);
		const totalBefore = await ledgerTotal(t.db, member.id);
		expect(totalBefore).toBeGreaterThanOrEqual(250);
		expect(await whereFound(t.db, email)).not.toEqual([]);

		const wrong = await requestAccountDeletion(t.db, member.id, {
			password: 'not my password',
			phrase: 'delete my account'
		});
		expect(wrong).toMatchObject({ ok: false, status: 400, errors: { password: expect.any(String) } });

		const outcome = await requestAccountDeletion(t.db, member.id, {
			password: PASSWORD,
			phrase: 'delete my account'
		});
		expect(outcome.ok, JSON.stringify(outcome)).toBe(true);

		// The tombstone.
		const [row] = await t.db.select().from(users).where(eq(users.id, member.id));
		expect(row).toMatchObject({
			email: tombstoneEmail(member.id),
			displayName: TOMBSTONE_NAME,
			role: 'fan',
			consentAnalytics: false,
			consentMarketing: false,
			emailVerifiedAt: null
		});
		expect(row.passwordHash.startsWith('$argon2')).toBe(false);
		const [deletion] = await t.db
			.select()
			.from(accountDeletions)
			.where(eq(accountDeletions.memberId, member.id));
		expect(deletion.reason).toBe('member');

		// Ledger totals unchanged (the append-only ledger is never touched).
		expect(await ledgerTotal(t.db, member.id)).toBe(totalBefore);

		// Purely personal tables hold no row of the member any more.
		const referenced = await referencingRows(t.db, member.id);
		for (const [table, n] of Object.entries(referenced)) {
			const policy = personalDataPolicy[table];
			if (isPersonal(policy) && policy.erase === 'delete') expect(n, table).toBe(0);
		}

		// The confirmation went through the outbox first, and is the only place the address is left
		// until it is delivered.
		const [confirmation] = await t.db.select().from(mailOutbox).where(eq(mailOutbox.to, email));
		expect(confirmation.kind).toBe('account_deleted');
		const inFlight = (table: string) =>
			table === 'mail_outbox' ? `kind = 'account_deleted' and sent_at is null` : null;
		expect(await whereFound(t.db, email, inFlight)).toEqual([]);
		expect(await whereFound(t.db, displayName, inFlight)).toEqual([]);

		// The staff entry about them stays, with the name and address cut out.
		const [contacted] = await t.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'member.contacted'), eq(auditLog.subjectId, member.id)));
		expect(contacted.details).toEqual({
			to: '[erased]',
			note: 'Phoned [erased] about the tour',
			tags: ['[erased]']
		});

		// Once delivered, the retention pass erases it as well: nothing of them remains anywhere.
		await t.db.update(mailOutbox).set({ sentAt: new Date() }).where(eq(mailOutbox.id, confirmation.id));
		const report = await runRetention(t.db, new Date(), { inactiveDays: 0, warningDays: 30 });
		expect(report.purgedConfirmations).toBeGreaterThanOrEqual(1);
		expect(await whereFound(t.db, email)).toEqual([]);
		expect(await whereFound(t.db, displayName)).toEqual([]);

		// A partner system that kept the old id or address can no longer credit the account.
		const { apiKey } = await createApiKey(t.db, {
			name: unique('Box office'),
			scopes: ['venue_checkin'],
			createdBy: null
		});
		const parsed = parseIngestBody(
			JSON.stringify({
				items: [
					{
						idempotencyKey: unique('by-id'),
						member: { id: member.id },
						kind: 'venue_checkin',
						object: 'event:9',
						occurredAt: new Date().toISOString()
					},
					{
						idempotencyKey: unique('by-email'),
						member: { email },
						kind: 'venue_checkin',
						object: 'event:9',
						occurredAt: new Date().toISOString()
					}
				]
			})
		);
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
		const ingested = await ingestBatch(t.db, apiKey, parsed.items);
		expect(ingested.results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(await ledgerTotal(t.db, member.id)).toBe(totalBefore);

		// Signed out everywhere, and the old credentials fail with the usual words (last: the attempt
		// itself counts against the address's rate limit, as anyone's attempt with any address would).
		expect((await validateSessionToken(t.db, token)).user).toBeNull();
		const again = await signIn(t.db, { email, password: PASSWORD }, uniqueIp(), null);
		expect(again).toMatchObject({ ok: false, errors: { form: 'Email or password is wrong.' } });
	});

	it('serves the download as JSON, audits each export and limits them per member', async () => {
		await seedEssentials(t.db);
		const { member, email } = await fanWithHistory(t.db);
		const now = new Date();
		const first = await exportForDownload(t.db, member.id, now);
		if (!first.ok) throw new Error('export refused');
		// The house's day, as every date a person reads.
		expect(first.filename).toBe(`my-data-${calendarDay(now, houseTimeZone())}.json`);
		expect(JSON.parse(first.body).member.email).toBe(email);
		for (let i = 1; i < EXPORT_LIMIT.max; i++)
			expect((await exportForDownload(t.db, member.id, now)).ok).toBe(true);
		expect(await exportForDownload(t.db, member.id, now)).toMatchObject({ ok: false });
		const audits = await t.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.actorId, member.id), eq(auditLog.action, 'privacy.exported')));
		expect(audits).toHaveLength(EXPORT_LIMIT.max);
	});

	it('erases nothing when a before-deletion hook fails, and says why', async () => {
		await seedEssentials(t.db);
		const { member, email } = await fanWithHistory(t.db);
		const mailsBefore = (await t.db.select().from(mailOutbox).where(eq(mailOutbox.to, email))).length;
		const hook = {
			name: 'billing',
			failureMessage: 'cancel your paid membership',
			run: async () => {
				throw new DeletionBlockedError('Stripe did not answer.');
			}
		};
		beforeAccountDeletion.push(hook);
		try {
			const outcome = await deleteAccount(t.db, member.id, 'member');
			expect(outcome).toMatchObject({
				ok: false,
				errors: { form: expect.stringContaining('we could not cancel your paid membership') }
			});
		} finally {
			beforeAccountDeletion.splice(beforeAccountDeletion.indexOf(hook), 1);
		}
		const [row] = await t.db.select().from(users).where(eq(users.id, member.id));
		expect(row.email).toBe(email);
		expect(await t.db.select().from(mailOutbox).where(eq(mailOutbox.to, email))).toHaveLength(mailsBefore);
		// The hook ran before anything else: with it gone, deletion goes through.
		expect((await deleteAccount(t.db, member.id, 'member')).ok).toBe(true);
		expect((await deleteAccount(t.db, member.id, 'member')).ok).toBe(false);
	});

	it('lets staff leave, but never the last admin', async () => {
		await seedEssentials(t.db);
		const staff = await newStaff(t.db, 'staff');
		expect((await deleteAccount(t.db, staff.id, 'member')).ok).toBe(true);

		const admins = await t.db.select({ id: users.id }).from(users).where(eq(users.role, 'admin'));
		const first = await newStaff(t.db, 'admin');
		const second = await newStaff(t.db, 'admin');
		// Demote every other admin of this shared database so these two are the only ones.
		for (const a of admins) await t.db.update(users).set({ role: 'staff' }).where(eq(users.id, a.id));
		try {
			expect((await deleteAccount(t.db, first.id, 'member')).ok).toBe(true);
			const last = await deleteAccount(t.db, second.id, 'member');
			expect(last).toMatchObject({
				ok: false,
				status: 409,
				errors: { form: expect.stringContaining('only admin') }
			});
			const [row] = await t.db.select().from(users).where(eq(users.id, second.id));
			expect(row.role).toBe('admin');
		} finally {
			for (const a of admins) await t.db.update(users).set({ role: 'admin' }).where(eq(users.id, a.id));
		}
	});
});
