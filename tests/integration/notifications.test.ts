// The notification pipeline end to end: inbox item → deliveries by preference and consent →
// email through the outbox with a working unsubscribe link, Web Push encrypted for the device
// (decrypted here as the browser would), dead devices pruned, failures retried; and the calendar
// moments fired once per occasion.
import { createECDH, randomBytes } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import { rowsOf, type Database } from '$lib/server/db/connect';
import {
	mailOutbox,
	memberTiers,
	notificationDeliveries,
	pushSubscriptions,
	users
} from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { notify } from '$lib/server/notifications/inbox';
import { recordEngagement } from '$lib/server/loyalty';
import { runMomentsDueWork } from '$lib/server/moments/scheduled';
import { runNotificationDueWork, ALL_KINDS } from '$lib/server/notifications/dispatch';
import { saveSubscription } from '$lib/server/notifications/push';
import {
	applyUnsubscribe,
	setPreference,
	signUnsubscribe,
	unsubscribeSecret,
	verifyUnsubscribe
} from '$lib/server/notifications/unsubscribe';
import { forEachDriver, onPostgres, unique, uniqueEmail } from './harness';

// web-push's own decoder (RFC 8188), used here as the browser's side.
const ece = createRequire(import.meta.url)('http_ece') as {
	decrypt(
		body: Buffer,
		params: { version: string; privateKey: ReturnType<typeof createECDH>; authSecret: string }
	): Buffer;
};

/** A stand-in push service: records each request, answers with the status its path asks for. */
const received: { path: string; body: Buffer; headers: http.IncomingHttpHeaders }[] = [];
let pushOrigin = '';
const server = http.createServer((req, res) => {
	const chunks: Buffer[] = [];
	req.on('data', (c: Buffer) => chunks.push(c));
	req.on('end', () => {
		received.push({ path: req.url ?? '', body: Buffer.concat(chunks), headers: req.headers });
		const status = Number(/status=(\d+)/.exec(req.url ?? '')?.[1] ?? 201);
		res.writeHead(status).end();
	});
});
beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	pushOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function member(db: Database, options: { verified?: boolean; marketing?: boolean } = {}) {
	const user = await insertUser(db, {
		email: uniqueEmail('note'),
		displayName: 'Noor Haddad',
		passwordHash: 'x'
	});
	await db
		.update(users)
		.set({
			emailVerifiedAt: options.verified === false ? null : new Date(),
			consentMarketing: options.marketing ?? false
		})
		.where(eq(users.id, user!.id));
	return user!;
}

/** A browser's push keys, and its subscription saved for the member. */
async function device(db: Database, memberId: string, status = 201) {
	const keys = createECDH('prime256v1');
	keys.generateKeys();
	const auth = randomBytes(16).toString('base64url');
	const endpoint = `${pushOrigin}/push/${unique('dev')}?status=${status}`;
	await saveSubscription(
		db,
		memberId,
		{ endpoint, keys: { p256dh: keys.getPublicKey().toString('base64url'), auth } },
		'Test browser'
	);
	return { keys, auth, endpoint };
}

async function deliveries(db: Database, memberId: string) {
	return db
		.select()
		.from(notificationDeliveries)
		.where(eq(notificationDeliveries.memberId, memberId))
		.orderBy(notificationDeliveries.channel);
}

/** Drains the queue as the scheduler would. */
async function drain(db: Database, now = new Date()) {
	while ((await runNotificationDueWork(db, now)) > 0);
}

forEachDriver('notifications', (t) => {
	beforeAll(() => seedEssentials(t.db));

	it('queues email and push by preference, consent and verification; the inbox always', async () => {
		const fan = await member(t.db);
		await device(t.db, fan.id);
		await notify(t.db, {
			memberId: fan.id,
			kind: 'tier_up',
			title: 'You reached Fan!',
			dedupeKey: unique('d')
		});
		expect((await deliveries(t.db, fan.id)).map((d) => d.channel)).toEqual(['email', 'push']);

		// The fan turned tier-up emails off; drops are marketing and they gave no consent.
		const choosy = await member(t.db);
		await device(t.db, choosy.id);
		await setPreference(t.db, choosy.id, 'tier_up', 'email', false);
		await setPreference(t.db, choosy.id, 'drop_published', 'email', true);
		await notify(t.db, { memberId: choosy.id, kind: 'tier_up', title: 'Up', dedupeKey: unique('d') });
		await notify(t.db, {
			memberId: choosy.id,
			kind: 'drop_published',
			title: 'New',
			dedupeKey: unique('d')
		});
		expect((await deliveries(t.db, choosy.id)).map((d) => d.channel)).toEqual(['push', 'push']);

		// Unverified address and no device: the inbox only.
		const quiet = await member(t.db, { verified: false });
		await notify(t.db, { memberId: quiet.id, kind: 'tier_up', title: 'Up', dedupeKey: unique('d') });
		expect(await deliveries(t.db, quiet.id)).toEqual([]);

		// The same moment again (same dedupe key) queues nothing more.
		const key = unique('once');
		await notify(t.db, { memberId: fan.id, kind: 'anniversary', title: 'A year!', dedupeKey: key });
		await notify(t.db, { memberId: fan.id, kind: 'anniversary', title: 'A year!', dedupeKey: key });
		expect(await deliveries(t.db, fan.id)).toHaveLength(4);
	});

	it('emails through the outbox with a one-click unsubscribe that cannot be forged', async () => {
		const fan = await member(t.db);
		await notify(t.db, {
			memberId: fan.id,
			kind: 'tier_up',
			title: 'You reached Insider!',
			body: 'Now unlocked: presale access.',
			link: '/me',
			dedupeKey: unique('d')
		});
		await drain(t.db);
		const [mail] = await t.db.select().from(mailOutbox).where(eq(mailOutbox.to, fan.email));
		expect(mail.subject).toBe('You reached Insider!');
		expect(mail.text).toContain('Now unlocked: presale access.');
		expect(mail.html).toContain('Unsubscribe from these');
		const link = /<([^>]+)\?\/oneClick>/.exec(mail.headers!['List-Unsubscribe'])![1];
		expect(mail.html).toContain(link);
		expect(mail.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
		expect((await deliveries(t.db, fan.id)).map((d) => d.status)).toEqual(['sent']);

		const secret = await unsubscribeSecret(t.db);
		const token = link.split('/unsubscribe/')[1];
		const target = verifyUnsubscribe(secret, token)!;
		expect(target).toEqual({ memberId: fan.id, kind: 'tier_up', channel: 'email' });
		// Another member's id in the payload, or a signature from another secret: refused.
		const [, signature] = token.split('.');
		const forgedPayload = Buffer.from(JSON.stringify([crypto.randomUUID(), 'tier_up', 'email'])).toString(
			'base64url'
		);
		expect(verifyUnsubscribe(secret, `${forgedPayload}.${signature}`)).toBeNull();
		expect(verifyUnsubscribe(secret, signUnsubscribe('another-secret', target))).toBeNull();
		expect(verifyUnsubscribe(secret, 'garbage')).toBeNull();

		await applyUnsubscribe(t.db, target, ALL_KINDS);
		await notify(t.db, { memberId: fan.id, kind: 'tier_up', title: 'Again', dedupeKey: unique('d') });
		expect(await deliveries(t.db, fan.id)).toHaveLength(1);
	});

	it('pushes a payload encrypted for the device, and prunes a device the service says is gone', async () => {
		const fan = await member(t.db);
		const phone = await device(t.db, fan.id);
		const gone = await device(t.db, fan.id, 410);
		received.length = 0;
		await notify(t.db, {
			memberId: fan.id,
			kind: 'first_vote',
			title: 'Your first vote is in!',
			body: 'Thank you for voting.',
			link: '/polls/1',
			dedupeKey: unique('d')
		});
		await drain(t.db);

		const toPhone = received.find((r) => phone.endpoint.endsWith(r.path))!;
		expect(toPhone.headers['content-encoding']).toBe('aes128gcm');
		expect(toPhone.headers.authorization).toMatch(/^vapid t=.+, k=.+/);
		const clear = ece.decrypt(toPhone.body, {
			version: 'aes128gcm',
			privateKey: phone.keys,
			authSecret: phone.auth
		});
		expect(JSON.parse(clear.toString('utf8'))).toMatchObject({
			title: 'Your first vote is in!',
			body: 'Thank you for voting.',
			url: '/polls/1'
		});
		// The body on the wire is not the clear text.
		expect(toPhone.body.includes(Buffer.from('first vote'))).toBe(false);

		const devices = await t.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.memberId, fan.id));
		expect(devices.map((d) => d.endpoint)).toEqual([phone.endpoint]);
		expect(gone.endpoint).not.toBe(phone.endpoint);
		expect((await deliveries(t.db, fan.id)).map((d) => d.status)).toEqual(['sent']);
	});

	it('retries a failing push with backoff, then gives up', async () => {
		const fan = await member(t.db);
		await device(t.db, fan.id, 500);
		await notify(t.db, {
			memberId: fan.id,
			kind: 'first_vote',
			title: 'Counted',
			dedupeKey: unique('d')
		});
		let now = new Date();
		await drain(t.db, now);
		let [d] = await deliveries(t.db, fan.id);
		expect(d).toMatchObject({ status: 'pending', attempts: 1 });
		expect(d.lastError).toContain('500');
		expect(d.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
		for (let i = 0; i < 4; i++) {
			now = new Date(d.nextAttemptAt.getTime() + 1);
			await drain(t.db, now);
			[d] = await deliveries(t.db, fan.id);
		}
		expect(d).toMatchObject({ status: 'failed', attempts: 5 });
	});

	it('fires the birthday, anniversary and lapse moments once each, at their time', async () => {
		const now = new Date('2027-03-14T10:00:00Z');
		const fan = await member(t.db);
		await t.db
			.update(users)
			.set({ birthdayMonth: 3, birthdayDay: 14, createdAt: new Date('2025-03-14T09:00:00Z') })
			.where(eq(users.id, fan.id));
		await runMomentsDueWork(t.db, now);
		await runMomentsDueWork(t.db, new Date(now.getTime() + 3600_000));
		const inbox = rowsOf<{ kind: string; title: string; body: string }>(
			await t.db.execute(
				sql`select kind, title, body from inbox_items where member_id = ${fan.id} order by kind`
			)
		);
		expect(inbox).toEqual([
			{
				kind: 'anniversary',
				title: '2 years with Encore!',
				body: 'Thank you for being a member, Noor. Here is to the next one.'
			},
			{
				kind: 'birthday',
				title: 'Happy birthday, Noor!',
				body: 'We added 50 bonus points to your card. Have a wonderful day.'
			}
		]);
		const bonus = rowsOf<{ points: number }>(
			await t.db.execute(
				sql`select points from engagements where member_id = ${fan.id} and kind = 'birthday'`
			)
		);
		expect(bonus).toEqual([{ points: 50 }]);

		// Fan (200 points) reached a year ago with too few points since: warned at 30 days, then at 7.
		const lapsing = await member(t.db);
		const reached = new Date('2026-04-01T12:00:00Z');
		await t.db.transaction((tx) =>
			recordEngagement(
				tx,
				{
					memberId: lapsing.id,
					kind: 'staff_adjustment',
					source: 'test',
					idempotencyKey: unique('adj'),
					occurredAt: reached,
					adjustment: { points: 200, note: 'Launch gift', actorId: lapsing.id }
				},
				{ now: reached }
			)
		);
		const [row] = await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, lapsing.id));
		expect(row.earnedRank).toBe(1);
		const warnings = async () =>
			rowsOf<{ body: string }>(
				await t.db.execute(
					sql`select body from inbox_items where member_id = ${lapsing.id} and kind = 'tier_lapse_warning' order by id`
				)
			).map((r) => r.body);
		await runMomentsDueWork(t.db, new Date('2027-02-01T12:00:00Z')); // 59 days left: nothing yet
		expect(await warnings()).toEqual([]);
		await runMomentsDueWork(t.db, new Date('2027-03-10T12:00:00Z')); // 22 days left
		await runMomentsDueWork(t.db, new Date('2027-03-11T12:00:00Z'));
		await runMomentsDueWork(t.db, new Date('2027-03-27T12:00:00Z')); // 5 days left
		expect(await warnings()).toEqual([
			'Your Fan tier lapses on 1 April. Earn 200 more points by then to keep it for another year.',
			'Your Fan tier lapses on 1 April. Earn 200 more points by then to keep it for another year.'
		]);
	});
});

onPostgres('notifications with two instances', (t) => {
	it('two dispatchers and two moment runs at once: each push sent once, each moment posted once', async () => {
		await seedEssentials(t.db);
		const fans = await Promise.all(Array.from({ length: 6 }, () => member(t.db)));
		const endpoints = await Promise.all(fans.map((f) => device(t.db, f.id).then((d) => d.endpoint)));
		for (const f of fans) {
			await t.db.update(users).set({ birthdayMonth: 7, birthdayDay: 1 }).where(eq(users.id, f.id));
		}
		const { openPostgres } = await import('$lib/server/db/connect');
		const other = await openPostgres(t.url, { max: 4 });
		try {
			const now = new Date('2027-07-01T09:00:00Z');
			await Promise.all([runMomentsDueWork(t.db, now), runMomentsDueWork(other.db, now)]);
			received.length = 0;
			await Promise.all([drain(t.db, now), drain(other.db, now), drain(t.db, now)]);
		} finally {
			await other.close();
		}
		const birthdays = rowsOf<{ n: number }>(
			await t.db.execute(sql`select count(*)::int as n from inbox_items where kind = 'birthday'`)
		)[0].n;
		expect(birthdays).toBe(fans.length);
		const bonuses = rowsOf<{ n: number }>(
			await t.db.execute(sql`select count(*)::int as n from engagements where kind = 'birthday'`)
		)[0].n;
		expect(bonuses).toBe(fans.length);
		// One push per fan's device, none twice.
		const pushed = received.map((r) => `${pushOrigin}${r.path}`).sort();
		expect(pushed).toEqual([...endpoints].sort());
	});
});
