import { fail, type Cookies } from '@sveltejs/kit';
import { z } from 'zod';
import { requireStaff } from '$lib/server/auth';
import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { parseForm, type FieldErrors } from '$lib/server/forms';
import { log } from '$lib/server/log';
import { checkInMember, normaliseVenue, type CheckInResult } from '$lib/server/door';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

/** The venue of this door, remembered on this device between scans and visits. */
const VENUE_COOKIE = 'encore_checkin_venue';

const checkInForm = z.object({
	code: z
		.string()
		.trim()
		.min(1, 'Scan a member card or ticket, or type the code under its QR.')
		.max(512, 'That is too long to be a member code.')
});

function rememberVenue(cookies: Cookies, venue: string) {
	cookies.set(VENUE_COOKIE, venue, {
		path: '/staff/check-in',
		httpOnly: true,
		sameSite: 'lax',
		secure: config.cookieSecure,
		maxAge: 180 * 24 * 60 * 60
	});
}

export const load: PageServerLoad = (event) => {
	requireStaff(event);
	return { venue: normaliseVenue(event.cookies.get(VENUE_COOKIE)) };
};

export const actions: Actions = {
	checkIn: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const venue = normaliseVenue(String(form.get('venue') ?? ''));
		const parsed = parseForm(checkInForm, form);
		if (!parsed.ok) {
			const values = { code: String(form.get('code') ?? ''), venue };
			return fail(400, { errors: parsed.errors, values, result: null as CheckInResult | null });
		}
		rememberVenue(event.cookies, venue);
		const result: CheckInResult = await checkInMember(getDb(), {
			code: parsed.data.code,
			venue,
			staffId: staff.id
		});
		if (result.status === 'invalid') {
			// A bad signature is someone's attempt at a card; the code itself stays out of the log.
			log.warn('check-in refused', {
				requestId: event.locals.requestId,
				staffId: staff.id,
				reason: result.reason
			});
			return fail(400, { errors: {} as FieldErrors, values: { code: parsed.data.code, venue }, result });
		}
		return { errors: {} as FieldErrors, values: { code: '', venue }, result };
	}
};
