// The answer page of a feedback request: opened from the signed link in the inbox, email or push,
// without signing in; one tap for the score (a submit button each) and an optional comment.
import { error, fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http';
import { parseForm, formValues } from '$lib/server/forms';
import {
	answerForm,
	answerRequest,
	CANCEL_REASONS,
	MAX_COMMENT,
	REANSWER_DAYS,
	requestFromToken,
	scaleOf
} from '$lib/server/feedback';
import type { Actions, PageServerLoad } from './$types';

async function lookup(token: string) {
	const found = await requestFromToken(getDb(), token);
	if (!found.ok) error(found.status, found.message);
	return found;
}

export const load: PageServerLoad = async ({ params, url, setHeaders }) => {
	const { request, open, closedBecause } = await lookup(params.token);
	setHeaders({ 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' });
	return {
		question: {
			kind: request.kind,
			about: request.subjectLabel,
			scale: scaleOf(request.kind),
			answered: request.answers > 0,
			score: request.score,
			reason: request.reason,
			comment: request.comment ?? '',
			canChange: open,
			closedBecause
		},
		reasons: CANCEL_REASONS,
		maxComment: MAX_COMMENT,
		reanswerDays: REANSWER_DAYS,
		thanked: url.searchParams.get('thanks') === '1',
		points: Number(url.searchParams.get('points') ?? 0) || 0
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { request } = await lookup(event.params.token);
		const form = await readForm(event);
		const parsed = parseForm(answerForm, form);
		const values = formValues(form);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values });
		const result = await answerRequest(getDb(), request.id, {
			score: parsed.data.score ?? null,
			reason: parsed.data.reason ?? null,
			comment: parsed.data.comment
		});
		if (!result.ok) {
			const status = result.field === 'form' ? 409 : 400;
			return fail(status, { errors: { [result.field]: result.message }, values });
		}
		redirect(
			303,
			`/feedback/${event.params.token}?thanks=1${result.points ? `&points=${result.points}` : ''}`
		);
	}
};
