import { error, fail } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { formValues, idFrom } from '$lib/server/forms';
import { loadLadder } from '$lib/server/loyalty';
import {
	releaseClaim,
	runDraw,
	createWindow,
	getEventForStaff,
	updateDrawWeights,
	updateEvent,
	eventFormValues,
	timeZones,
	weightValues,
	parseEventForm,
	parseWeights,
	parseWindowForm,
	type FieldErrors
} from '$lib/server/tickets';
import { wallClock } from '$lib/time';
import { scoresByEvent } from '$lib/server/feedback';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { newSubmissionKey, submissionKeyOf, submitOnce } from '$lib/server/submit-once';

async function loadEvent(id: string) {
	const detail = Number.isInteger(Number(id)) ? await getEventForStaff(getDb(), Number(id)) : null;
	if (!detail) error(404, 'There is no such event.');
	return detail;
}

/** A window posted to this event's page must be one of this event's windows. */
function windowOf(detail: Awaited<ReturnType<typeof loadEvent>>, value: unknown): number {
	const windowId = idFrom(value);
	if (windowId === null || !detail.windows.some((w) => w.id === windowId))
		error(404, 'This event has no such presale window.');
	return windowId;
}

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	event.depends('app:staff-event');
	const detail = await loadEvent(event.params.id);
	const ladder = await loadLadder(getDb());
	const tz = detail.event.timeZone;
	const [feedback] = await scoresByEvent(getDb(), detail.event.id);
	return {
		...detail,
		feedback: feedback ?? null,
		created: event.url.searchParams.has('created'),
		tiers: ladder.map((t) => ({ rank: t.rank, name: t.name, colour: t.colour })),
		timeZones: timeZones(),
		eventValues: eventFormValues(detail.event),
		weights: Object.fromEntries(detail.windows.map((w) => [w.id, weightValues(w)])),
		windowTimes: Object.fromEntries(
			detail.windows.map((w) => [
				w.id,
				{ opens: wallClock(w.opensAt, tz), closes: wallClock(w.closesAt, tz) }
			])
		),
		checkedAt: new Date(),
		submission: newSubmissionKey()
	};
};

export const actions: Actions = {
	update: async (event) => {
		const staff = requireStaff(event);
		const detail = await loadEvent(event.params.id);
		const values = formValues(await readForm(event));
		const parsed = parseEventForm(values, { minCapacity: detail.allocated });
		if (!parsed.ok) return fail(400, { form: 'event' as const, errors: parsed.errors, values });
		await updateEvent(getDb(), detail.event.id, parsed.data, staff.id);
		return { form: 'event' as const, saved: true };
	},
	addWindow: async (event) => {
		const staff = requireStaff(event);
		const detail = await loadEvent(event.params.id);
		const values = formValues(await readForm(event));
		const ladder = await loadLadder(getDb());
		const parsed = parseWindowForm(values, {
			timeZone: detail.event.timeZone,
			publicSaleAt: detail.event.publicSaleAt,
			seatsAvailable: detail.event.capacity - detail.allocated,
			ranks: ladder.map((t) => t.rank)
		});
		if (!parsed.ok) return fail(400, { form: 'window' as const, errors: parsed.errors, values });
		await submitOnce(
			getDb(),
			{ kind: 'window', key: submissionKeyOf(values), actorId: staff.id },
			async () => {
				await createWindow(getDb(), detail.event.id, parsed.data, staff.id);
				return 'saved';
			}
		);
		return { form: 'window' as const, saved: true };
	},
	weights: async (event) => {
		const staff = requireStaff(event);
		const detail = await loadEvent(event.params.id);
		const values = formValues(await readForm(event));
		const windowId = windowOf(detail, values.windowId);
		const errors: FieldErrors = {};
		const ladder = await loadLadder(getDb());
		const weights = parseWeights(
			values,
			ladder.map((t) => t.rank),
			errors
		);
		if (Object.keys(errors).length > 0)
			return fail(400, { form: 'weights' as const, windowId, errors, values });
		const saved = await updateDrawWeights(getDb(), windowId, weights, staff.id);
		if (!saved)
			return fail(409, {
				form: 'weights' as const,
				windowId,
				errors: { form: 'The draw has been made: its weights are final.' } as FieldErrors,
				values
			});
		return { form: 'weights' as const, windowId, saved: true };
	},
	draw: async (event) => {
		const staff = requireStaff(event);
		const detail = await loadEvent(event.params.id);
		const windowId = windowOf(detail, (await readForm(event)).get('windowId'));
		const result = await runDraw(getDb(), windowId, { actorId: staff.id, early: true });
		if (result.status === 'skipped') {
			const why = {
				missing: 'There is no such window.',
				'not-a-draw': 'This window is first come: it has no draw.',
				'already-drawn': 'This draw was already made.',
				'not-closed': 'Registration is still open.',
				'not-open': 'Registration has not opened yet: nobody can be drawn.'
			}[result.reason];
			return fail(409, { form: 'draw' as const, windowId, message: why });
		}
		return {
			form: 'draw' as const,
			windowId,
			message: `Drawn: ${result.winners} winners for ${result.seatsOffered} seats out of ${result.entrants} entrants. Seed ${result.seed.slice(0, 12)}…`
		};
	},
	release: async (event) => {
		const staff = requireStaff(event);
		const detail = await loadEvent(event.params.id);
		const claimId = idFrom((await readForm(event)).get('claimId')) ?? 0;
		const result = await releaseClaim(getDb(), { claimId, actorId: staff.id, eventId: detail.event.id });
		if (!result.ok) return fail(409, { form: 'release' as const, claimId, message: result.refusal.message });
		return {
			form: 'release' as const,
			claimId,
			message: 'Released: the seats went back to the pool or the waitlist.'
		};
	}
};
