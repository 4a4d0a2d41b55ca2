import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { loadDropPage } from '$lib/server/drops';
import { dropReaction, reactToDrop } from '$lib/server/feedback';
import { readForm } from '$lib/server/http';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

// The access rule runs here, on every request (page and __data.json alike): a locked drop's
// body and media URLs are never part of what this returns.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const page = await loadDropPage(getDb(), { id: user.id, role: user.role }, event.params.slug, new Date());
	if (page.kind === 'missing') error(404, 'There is no drop at this address.');
	const reaction =
		page.kind === 'open' && !page.preview ? await dropReaction(getDb(), user.id, page.drop.id) : null;
	return { page, reaction };
};

const reactionForm = z.object({
	score: z.enum(['1', '2', '3', '4', '5'], { message: 'Pick a reaction.' }).transform(Number)
});

export const actions: Actions = {
	// A light reaction after opening: one tap, 1–5; changed once at most.
	react: async (event) => {
		const user = requireUser(event);
		const page = await loadDropPage(getDb(), { id: user.id, role: user.role }, event.params.slug, new Date());
		if (page.kind !== 'open' || page.preview) error(404, 'There is no drop at this address.');
		const parsed = parseForm(reactionForm, await readForm(event));
		if (!parsed.ok) return fail(400, { errors: parsed.errors });
		const result = await reactToDrop(getDb(), {
			memberId: user.id,
			dropId: page.drop.id,
			dropTitle: page.drop.title,
			score: parsed.data.score
		});
		if (!result.ok) return fail(409, { errors: { score: result.message } });
		redirect(303, `/drops/${event.params.slug}?reacted=1#reaction`);
	}
};
