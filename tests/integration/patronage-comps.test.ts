import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { auditLog, memberTiers } from '$lib/server/db/schema';
import { seedEssentials } from '$lib/server/setup';
import { cancelSubscriptionsOf } from '$lib/server/patronage/checkout';
import { grantComp, revokeComp } from '$lib/server/patronage/comps';
import { syncPrices } from '$lib/server/patronage/prices';
import { runPatronageDueWork } from '$lib/server/patronage/subscriptions';
import { forEachDriver } from './harness';
import { buy, deliver, effectsOf, newMember, stripeSays, tierOf, useFakeStripe } from './patronage-stripe';

const DAY = 86_400_000;
const h = useFakeStripe();

forEachDriver('patronage comps and account deletion', (t) => {
	beforeAll(async () => {
		await seedEssentials(t.db);
		await syncPrices(t.db, h.payments.stripe);
	});

	it('grants a paid tier until a date, audited, and lets it lapse after', async () => {
		const [member, staff] = [await newMember(t.db), await newMember(t.db)];
		const endsAt = new Date(Date.now() + 30 * DAY);
		const result = await grantComp(
			t.db,
			{ memberId: member.id, tierRank: 3, endsAt, reason: 'Prize draw', actorId: staff.id },
			7
		);
		expect(result.ok).toBe(true);
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: 3, paidUntil: endsAt, rank: 3 });
		const { changes } = await effectsOf(t.db, member.id);
		expect(changes).toMatchObject([
			{ kind: 'comp_granted', toRank: 3, mrrDeltaMinor: 0, stripeSubscriptionId: null }
		]);
		const audits = await t.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.subjectId, member.id), eq(auditLog.action, 'patronage.comp_granted')));
		expect(audits).toHaveLength(1);
		expect(audits[0].actorId).toBe(staff.id);

		await runPatronageDueWork(t.db, new Date(endsAt.getTime() + 1000), 7);
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: null, rank: 0 });
	});

	it('refuses a past end date or a tier that cannot be bought', async () => {
		const member = await newMember(t.db);
		const base = { memberId: member.id, reason: 'x', actorId: member.id };
		expect(
			await grantComp(t.db, { ...base, tierRank: 3, endsAt: new Date(Date.now() - DAY) }, 7)
		).toMatchObject({
			ok: false,
			field: 'endsAt'
		});
		expect(
			await grantComp(t.db, { ...base, tierRank: 1, endsAt: new Date(Date.now() + DAY) }, 7)
		).toMatchObject({
			ok: false,
			field: 'tierRank'
		});
		const [row] = await t.db.select().from(memberTiers).where(eq(memberTiers.memberId, member.id));
		expect(row?.paidRank ?? null).toBeNull();
	});

	it('never double-counts a comp and a subscription: the higher holds, each on its own clock', async () => {
		const member = await newMember(t.db);
		const { subscriptionId } = await buy(t.db, h, member, 2, 'month'); // Supporter (Insider)
		const comp = await grantComp(
			t.db,
			{
				memberId: member.id,
				tierRank: 4,
				endsAt: new Date(Date.now() + 10 * DAY),
				reason: 'Thank-you',
				actorId: member.id
			},
			7
		);
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: 4, rank: 4 });
		if (!comp.ok) throw new Error('comp refused');
		await revokeComp(t.db, comp.id, member.id, 7);
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: 2, rank: 2 });
		// The subscription ends: nothing paid is left.
		await deliver(t.db, h, await stripeSays(h, subscriptionId, { status: 'canceled' }));
		expect(await tierOf(t.db, member.id)).toMatchObject({ paidRank: null, rank: 0 });
		const { changes } = await effectsOf(t.db, member.id);
		expect(changes.reduce((sum, c) => sum + c.mrrDeltaMinor, 0)).toBe(0);
	});

	it('deleting an account cancels its Stripe subscription first', async () => {
		const member = await newMember(t.db);
		const { subscriptionId } = await buy(t.db, h, member);
		const before = h.fake.requests.length;
		expect(await cancelSubscriptionsOf(t.db, h.payments, member.id)).toBe(1);
		expect(h.fake.requests.slice(before)).toMatchObject([
			{
				method: 'DELETE',
				path: `/v1/subscriptions/${subscriptionId}`,
				idempotencyKey: `account-deleted:${subscriptionId}`
			}
		]);
		expect((await h.store.get(subscriptionId))?.status).toBe('canceled');
	});
});
