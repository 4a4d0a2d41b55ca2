import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { log } from '$lib/server/log';
import { getBillingSummary, openPortal, getPayments } from '$lib/server/patronage';
import { config } from '$lib/server/config';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const summary = await getBillingSummary(getDb(), user.id, config.patronageGraceDays);
	return {
		...summary,
		demoPayments: config.demoPayments,
		already: event.url.searchParams.has('already'),
		demoDone: event.url.searchParams.get('demo'),
		attempt: crypto.randomUUID()
	};
};

export const actions: Actions = {
	portal: async (event) => {
		const user = requireUser(event);
		const attempt = String((await readForm(event)).get('attempt') ?? '').slice(0, 64) || crypto.randomUUID();
		let url: string | null;
		try {
			url = await openPortal(getDb(), await getPayments(), user.id, { attempt, origin: event.url.origin });
		} catch (err) {
			log.error('portal failed', { requestId: event.locals.requestId, error: String(err) });
			return fail(502, {
				error: `Billing is not answering right now; please try again. (ref ${event.locals.requestId})`
			});
		}
		if (!url) return fail(400, { error: 'You have no billing account yet: choose a tier first.' });
		redirect(303, url);
	}
};
