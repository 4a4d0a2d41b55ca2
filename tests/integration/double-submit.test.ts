// Double submits on a real Postgres, from two "app instances" (separate pools): the demo checkout's
// pay button pressed five times at once completes one session (one subscription, one invoice);
// five concurrent purchases with the same attempt open one Checkout Session; and every staff form
// that creates something, posted five times at once with its one-time key, creates one row.
// (Gifts and campaigns do not exist yet.)
import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertUser } from '$lib/server/auth/users';
import { openPostgres, type Database, type DatabaseHandle } from '$lib/server/db/connect';
import {
	apiKeys,
	boards,
	checkoutSessions,
	demoStripeObjects,
	drops,
	events,
	formSubmissions,
	polls,
	presaleWindows
} from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { createBoard } from '$lib/server/board';
import { saveDrop } from '$lib/server/drops/store';
import { createApiKey } from '$lib/server/partners/api-keys';
import { startCheckout } from '$lib/server/patronage/checkout';
import { completeCheckout, createFakeStripe } from '$lib/server/patronage/fake-stripe/api';
import { startFakeStripeServer, type RunningFake } from '$lib/server/patronage/fake-stripe/server';
import { databaseStore } from '$lib/server/patronage/fake-stripe/store';
import { createStripeClient, type Payments } from '$lib/server/patronage/payments';
import { syncPrices } from '$lib/server/patronage/prices';
import { createPoll } from '$lib/server/polls';
import { submitOnce } from '$lib/server/submit-once';
import { DEFAULT_DRAW_WEIGHTS } from '$lib/server/tickets/draw';
import { createEvent, createWindow } from '$lib/server/tickets';
import { onPostgres, unique, uniqueEmail } from './harness';
import { pollInput } from './polls-fixtures';

const DAY = 86_400_000;

onPostgres('double submits', (t) => {
	let other: DatabaseHandle;
	let server: RunningFake;
	let payments: Payments;
	let fake: ReturnType<typeof createFakeStripe>;
	let staffId: string;
	/** Five submissions, alternating between the two instances. */
	const five = <T>(fn: (db: Database) => Promise<T>) =>
		Promise.all([t.db, other.db, t.db, other.db, t.db].map((db) => fn(db)));

	beforeAll(async () => {
		other = await openPostgres(t.url);
		await seedEssentials(t.db);
		// Demo payments as the app runs them: the stand-in keeps its objects in this database.
		fake = createFakeStripe({ store: databaseStore(() => t.db), checkoutUrl: (id) => `/demo/${id}` });
		server = await startFakeStripeServer(fake);
		payments = {
			mode: 'demo',
			stripe: createStripeClient('sk_test_demo', { host: server.host, port: server.port, protocol: 'http' }),
			webhookSecret: 'whsec_test',
			graceDays: 7,
			fake
		};
		await syncPrices(t.db, payments.stripe);
		const staff = await insertUser(t.db, {
			email: uniqueEmail('staff'),
			displayName: 'Sam Staff',
			passwordHash: 'x',
			role: 'staff'
		});
		staffId = staff!.id;
	});
	afterAll(async () => {
		await server?.close();
		await other?.close();
	});

	async function member() {
		return (await insertUser(t.db, { email: uniqueEmail('fan'), displayName: 'Fan', passwordHash: 'x' }))!;
	}

	const storedCount = async (object: string, field: string, value: string) =>
		(
			await t.db
				.select({ n: sql<number>`count(*)::int` })
				.from(demoStripeObjects)
				.where(
					and(eq(demoStripeObjects.object, object), sql`${demoStripeObjects.data}->>${field} = ${value}`)
				)
		)[0].n;

	it('five concurrent purchases with one attempt open one Checkout Session', async () => {
		const fan = await member();
		const attempt = unique('attempt');
		const starts = await five((db) =>
			startCheckout(db, payments, fan, { rank: 3, interval: 'month', attempt, origin: 'http://localhost' })
		);
		const urls = new Set(starts.map((s) => (s.kind === 'redirect' ? s.url : s.kind)));
		expect(urls.size).toBe(1);
		expect(await storedCount('checkout.session', 'client_reference_id', fan.id)).toBe(1);
		expect(await storedCount('customer', 'email', fan.email)).toBe(1);
		const rows = await t.db.select().from(checkoutSessions).where(eq(checkoutSessions.memberId, fan.id));
		expect(rows).toHaveLength(1);
	});

	it('the demo checkout paid five times at once completes once: one subscription, one payment', async () => {
		const fan = await member();
		const start = await startCheckout(t.db, payments, fan, {
			rank: 3,
			interval: 'month',
			attempt: unique('attempt'),
			origin: 'http://localhost'
		});
		if (start.kind !== 'redirect') throw new Error(start.kind);
		const sessionId = start.url.split('/').pop()!;
		const session = await fake.store.get(sessionId);
		const customer = String(session?.customer);
		const results = await Promise.all(Array.from({ length: 5 }, () => completeCheckout(fake, sessionId)));
		expect(results.filter((events) => events.length > 0)).toHaveLength(1);
		expect(await storedCount('subscription', 'customer', customer)).toBe(1);
		expect(await storedCount('invoice', 'customer', customer)).toBe(1);
		expect((await fake.store.get(sessionId))?.status).toBe('complete');
	});

	/** Five posts of one form (one key) through submitOnce: one row, every post the same answer. */
	async function postedFiveTimes(kind: string, create: (db: Database) => Promise<string>) {
		const key = crypto.randomUUID();
		const answers = await five((db) => submitOnce(db, { kind, key, actorId: staffId }, () => create(db)));
		expect(new Set(answers).size).toBe(1);
		const [claim] = await t.db
			.select()
			.from(formSubmissions)
			.where(eq(formSubmissions.key, `${kind}:${key}`));
		expect(claim?.result).toBe(answers[0]);
		return answers[0];
	}

	it('an event, a presale window, a drop, a poll, a board and an API key: five posts create one each', async () => {
		const title = unique('Gig');
		const startsAt = new Date(Date.now() + 30 * DAY);
		const eventPath = await postedFiveTimes('event', async (db) => {
			const e = await createEvent(
				db,
				{
					title,
					venue: 'The Depot',
					startsAt,
					timeZone: 'Europe/Brussels',
					imageUrl: null,
					publicSaleAt: new Date(Date.now() + 20 * DAY),
					capacity: 100
				},
				staffId
			);
			return `/staff/events/${e.id}`;
		});
		expect(await t.db.select().from(events).where(eq(events.title, title))).toHaveLength(1);
		const eventId = Number(eventPath?.split('/').pop());

		await postedFiveTimes('window', async (db) => {
			await createWindow(
				db,
				eventId,
				{
					minRank: 0,
					opensAt: new Date(Date.now() + DAY),
					closesAt: new Date(Date.now() + 2 * DAY),
					mode: 'first_come',
					allocation: 10,
					perMemberLimit: 2,
					claimHours: 48,
					drawWeights: DEFAULT_DRAW_WEIGHTS
				},
				staffId
			);
			return 'saved';
		});
		expect(await t.db.select().from(presaleWindows).where(eq(presaleWindows.eventId, eventId))).toHaveLength(
			1
		);

		const slug = unique('drop');
		await postedFiveTimes('drop', async (db) => {
			const saved = await saveDrop(db, {
				input: {
					title: 'A drop',
					slug,
					summary: 'Teaser',
					body: 'Body',
					minRank: 0,
					windows: [],
					pinned: false,
					intent: 'draft',
					publishAt: null
				},
				actorId: staffId,
				now: new Date()
			});
			if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
			return `/staff/drops/${saved.drop.id}`;
		});
		expect(await t.db.select().from(drops).where(eq(drops.slug, slug))).toHaveLength(1);

		const question = unique('Which song?');
		await postedFiveTimes(
			'poll',
			async (db) => `/staff/polls/${(await createPoll(db, pollInput({ question }), staffId)).id}`
		);
		expect(await t.db.select().from(polls).where(eq(polls.question, question))).toHaveLength(1);

		const boardName = unique('Board');
		await postedFiveTimes('board', async (db) => {
			const board = await createBoard(
				db,
				{
					name: boardName,
					purpose: 'Shape the record.',
					seats: 3,
					termEndsAt: new Date(Date.now() + 365 * DAY)
				},
				staffId
			);
			return `/staff/board/${board.id}`;
		});
		expect(await t.db.select().from(boards).where(eq(boards.name, boardName))).toHaveLength(1);

		const keyName = unique('Box office');
		await postedFiveTimes('api-key', async (db) => {
			const { apiKey } = await createApiKey(db, {
				name: keyName,
				scopes: ['venue_checkin'],
				createdBy: staffId
			});
			return JSON.stringify({ name: apiKey.name, prefix: apiKey.prefix });
		});
		expect(await t.db.select().from(apiKeys).where(like(apiKeys.name, keyName))).toHaveLength(1);
	});

	it('a submission that fails lets the next one with its key try again', async () => {
		const key = crypto.randomUUID();
		await expect(
			submitOnce(t.db, { kind: 'event', key, actorId: staffId }, async () => {
				throw new Error('database hiccup');
			})
		).rejects.toThrow('database hiccup');
		expect(await submitOnce(t.db, { kind: 'event', key, actorId: staffId }, async () => null)).toBeNull();
		expect(await submitOnce(t.db, { kind: 'event', key, actorId: staffId }, async () => '/done')).toBe(
			'/done'
		);
		expect(await submitOnce(t.db, { kind: 'event', key, actorId: staffId }, async () => '/again')).toBe(
			'/done'
		);
	});
});
