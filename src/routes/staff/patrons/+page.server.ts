import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { requireStaff, getUserByEmail } from '$lib/server/auth';
import { config } from '$lib/server/config';
import { formValues, parseForm, idFrom } from '$lib/server/forms';
import { houseTimeZone } from '$lib/server/house';
import { endOfDay } from '$lib/server/house-time';
import { loadLadder } from '$lib/server/loyalty';
import {
	grantComp,
	listActiveComps,
	listPatrons,
	recentSubscriptionEvents,
	revokeComp,
	totalMrr
} from '$lib/server/patronage';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const [ladder, patrons, recent, comps] = await Promise.all([
		loadLadder(db),
		listPatrons(db),
		recentSubscriptionEvents(db),
		listActiveComps(db)
	]);
	const mrr = await totalMrr(db);
	const nameOf = (rank: number | null) =>
		rank === null ? '—' : (ladder.find((t) => t.rank === rank)?.name ?? `Rank ${rank}`);
	return {
		mrr,
		paidTiers: ladder.filter((t) => t.purchasable).map((t) => ({ rank: t.rank, name: t.name })),
		patrons: patrons.map((p) => ({ ...p, tier: nameOf(p.tierRank) })),
		recent: recent.map((r) => ({
			...r,
			from: nameOf(r.fromRank),
			to: nameOf(r.toRank),
			at: r.at.toISOString()
		})),
		comps: comps.map((c) => ({ ...c, tier: nameOf(c.tierRank), endsAt: c.endsAt.toISOString() }))
	};
};

const compSchema = z.object({
	email: z.string().trim().toLowerCase().email('Enter the member’s email address.'),
	tierRank: z.coerce.number({ message: 'Choose a paid tier.' }).int(),
	endsAt: z.iso.date({ message: 'Choose an end date.' }),
	reason: z
		.string()
		.trim()
		.min(3, 'Say why (a gift, a prize, a thank-you…).')
		.max(200, 'Keep it under 200 characters.')
});

export const actions: Actions = {
	grant: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const values = formValues(form);
		const parsed = parseForm(compSchema, form);
		if (!parsed.ok) return fail(400, { action: 'grant', errors: parsed.errors, values });
		const db = getDb();
		const member = await getUserByEmail(db, parsed.data.email);
		if (!member)
			return fail(400, { action: 'grant', errors: { email: 'No member has this email address.' }, values });
		// The end date is inclusive: the comp runs to the end of that day on the house clock.
		const endsAt = endOfDay(parsed.data.endsAt, houseTimeZone());
		if (!endsAt) return fail(400, { action: 'grant', errors: { endsAt: 'Choose an end date.' }, values });
		const result = await grantComp(
			db,
			{
				memberId: member.id,
				tierRank: parsed.data.tierRank,
				endsAt,
				reason: parsed.data.reason,
				actorId: staff.id
			},
			config.patronageGraceDays
		);
		if (!result.ok) return fail(400, { action: 'grant', errors: { [result.field]: result.message }, values });
		return { action: 'grant', granted: member.displayName };
	},
	revoke: async (event) => {
		const staff = requireStaff(event);
		const id = idFrom((await readForm(event)).get('id')) ?? 0;
		if (!Number.isInteger(id)) return fail(400, { action: 'revoke', errors: { form: 'Unknown comp.' } });
		await revokeComp(getDb(), id, staff.id, config.patronageGraceDays);
		return { action: 'revoke', revoked: true };
	}
};
