import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { loadLadder, updateLadder, type TierEdit } from '$lib/server/loyalty';
import { listPrices, tierPrices } from '$lib/server/patronage';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const [ladder, stripe] = await Promise.all([loadLadder(db), listPrices(db)]);
	const prices = await tierPrices(db);
	return {
		tiers: ladder.map((t) => ({
			rank: t.rank,
			name: t.name,
			colour: t.colour,
			benefits: t.benefits,
			pointsThreshold: t.pointsThreshold,
			paidName: t.paidName,
			price: prices.find((p) => p.rank === t.rank) ?? null,
			stripe: stripe
				.filter((p) => p.tierId === t.id)
				.map((p) => ({ interval: p.interval, priceId: p.stripePriceId, amount: p.amountMinor }))
		}))
	};
};

const COLOUR = /^#[0-9a-f]{6}$/i;

/** Reads `name-<rank>`, `colour-<rank>`, `threshold-<rank>`, `benefits-<rank>` for each rank. */
function parseLadderForm(
	form: FormData,
	ranks: number[]
): { edits: TierEdit[]; errors: Record<string, string> } {
	const errors: Record<string, string> = {};
	const edits = ranks.map((rank) => {
		const name = String(form.get(`name-${rank}`) ?? '').trim();
		const colour = String(form.get(`colour-${rank}`) ?? '').trim();
		const rawThreshold = String(form.get(`threshold-${rank}`) ?? '').trim();
		const benefits = String(form.get(`benefits-${rank}`) ?? '')
			.split('\n')
			.map((b) => b.trim())
			.filter(Boolean);
		if (!name) errors[`name-${rank}`] = 'Give the tier a name.';
		else if (name.length > 40) errors[`name-${rank}`] = 'Keep the name under 40 characters.';
		if (!COLOUR.test(colour)) errors[`colour-${rank}`] = 'Use a colour like #2563eb.';
		let pointsThreshold: number | null = null;
		if (rawThreshold !== '') {
			const n = Number(rawThreshold);
			if (!Number.isInteger(n) || n < 0 || n > 10_000_000)
				errors[`threshold-${rank}`] = 'Use a whole number of points (0 or more), or leave it empty.';
			else pointsThreshold = n;
		}
		if (benefits.length > 12) errors[`benefits-${rank}`] = 'List at most 12 benefits.';
		if (benefits.some((b) => b.length > 120))
			errors[`benefits-${rank}`] = 'Keep each benefit under 120 characters.';
		return { rank, name, colour, benefits, pointsThreshold };
	});
	return { edits, errors };
}

export const actions: Actions = {
	save: async (event) => {
		const staff = requireStaff(event);
		const db = getDb();
		const ranks = (await loadLadder(db)).map((t) => t.rank);
		const form = await readForm(event);
		const { edits, errors } = parseLadderForm(form, ranks);
		const values = Object.fromEntries([...form].filter(([, v]) => typeof v === 'string')) as Record<
			string,
			string
		>;
		if (Object.keys(errors).length) return fail(400, { errors, problems: [] as string[], values });
		const result = await updateLadder(db, edits, staff.id);
		if (!result.ok)
			return fail(400, { errors: {} as Record<string, string>, problems: result.problems, values });
		return { saved: true, reevaluated: result.reevaluated, thresholdsChanged: result.thresholdsChanged };
	}
};
