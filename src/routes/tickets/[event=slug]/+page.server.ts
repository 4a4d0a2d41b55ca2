import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requireUser } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { parseForm, INT_MAX, idFrom } from '$lib/server/forms';
import {
	claimSeats,
	confirmOffer,
	registerForDraw,
	releaseClaim,
	withdrawEntry,
	listEventsForMember
} from '$lib/server/tickets';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const [ev] = await listEventsForMember(getDb(), user.id, new Date(), event.params.event);
	if (!ev) error(404, 'There is no such event.');
	return { ev };
};

const seatsForm = z.object({
	windowId: z.coerce.number().int().positive().max(INT_MAX),
	seats: z.coerce
		.number({ error: 'Choose how many seats.' })
		.int('Choose how many seats.')
		.min(1, 'Choose at least 1 seat.')
});
const windowForm = z.object({ windowId: z.coerce.number().int().positive().max(INT_MAX) });
const claimForm = z.object({ claimId: z.coerce.number().int().positive().max(INT_MAX) });

/** Every answer names the window (or claim) it belongs to, so the page shows it in the right place. */
type Answer = { ok: boolean; windowId?: number; message: string };

export const actions: Actions = {
	claim: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const parsed = parseForm(seatsForm, form);
		const windowId = idFrom(form.get('windowId')) ?? undefined;
		if (!parsed.ok)
			return fail(400, { ok: false, windowId, message: Object.values(parsed.errors)[0] } satisfies Answer);
		const result = await claimSeats(getDb(), { ...parsed.data, memberId: user.id });
		if (!result.ok)
			return fail(result.refusal.code === 'sold_out' || result.refusal.code === 'not_enough' ? 409 : 400, {
				ok: false,
				windowId,
				message: result.refusal.message
			} satisfies Answer);
		return {
			ok: true,
			windowId,
			message: `${parsed.data.seats === 1 ? 'Your seat is' : `Your ${parsed.data.seats} seats are`} yours. Your code is below and in My presale codes.`
		};
	},
	register: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const parsed = parseForm(seatsForm, form);
		const windowId = idFrom(form.get('windowId')) ?? undefined;
		if (!parsed.ok)
			return fail(400, { ok: false, windowId, message: Object.values(parsed.errors)[0] } satisfies Answer);
		const result = await registerForDraw(getDb(), { ...parsed.data, memberId: user.id });
		if (!result.ok)
			return fail(400, { ok: false, windowId, message: result.refusal.message } satisfies Answer);
		return { ok: true, windowId, message: "You're in the draw. We'll tell you the result in your inbox." };
	},
	withdraw: async (event) => {
		const user = requireUser(event);
		const parsed = parseForm(windowForm, await readForm(event));
		if (!parsed.ok) return fail(400, { ok: false, message: 'Choose a window.' } satisfies Answer);
		const result = await withdrawEntry(getDb(), { windowId: parsed.data.windowId, memberId: user.id });
		if (!result.ok)
			return fail(400, {
				ok: false,
				windowId: parsed.data.windowId,
				message: result.refusal.message
			} satisfies Answer);
		return { ok: true, windowId: parsed.data.windowId, message: 'You left the draw.' };
	},
	confirm: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const parsed = parseForm(claimForm, form);
		const windowId = idFrom(form.get('windowId')) ?? undefined;
		if (!parsed.ok) return fail(400, { ok: false, windowId, message: 'Choose an offer.' } satisfies Answer);
		const result = await confirmOffer(getDb(), { claimId: parsed.data.claimId, memberId: user.id });
		if (!result.ok)
			return fail(400, { ok: false, windowId, message: result.refusal.message } satisfies Answer);
		return { ok: true, windowId, message: 'Claimed! Your code is ready in My presale codes.' };
	},
	release: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const parsed = parseForm(claimForm, form);
		const windowId = idFrom(form.get('windowId')) ?? undefined;
		if (!parsed.ok) return fail(400, { ok: false, windowId, message: 'Choose a claim.' } satisfies Answer);
		const result = await releaseClaim(getDb(), { claimId: parsed.data.claimId, memberId: user.id });
		if (!result.ok)
			return fail(400, { ok: false, windowId, message: result.refusal.message } satisfies Answer);
		return { ok: true, windowId, message: 'Released. Thank you: someone else can take those seats now.' };
	}
};
