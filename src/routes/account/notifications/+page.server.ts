import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requireUser } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { getBirthday, setBirthday } from '$lib/server/accounts';
import { parseForm } from '$lib/server/forms';
import {
	loadRecipients,
	CHANNELS,
	NOTIFICATION_KINDS,
	preferenceKey,
	wants,
	listSubscriptions,
	parseSubscription,
	removeSubscription,
	saveSubscription,
	vapidKeys,
	setPreference
} from '$lib/server/notifications';
import { birthdayProblem } from '$lib/birthday';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = getDb();
	const [recipients, devices, keys, birthday] = await Promise.all([
		loadRecipients(db, [user.id]),
		listSubscriptions(db, user.id),
		vapidKeys(db),
		getBirthday(db, user.id)
	]);
	const recipient = recipients.get(user.id)!;
	return {
		kinds: NOTIFICATION_KINDS.map((k) => ({
			kind: k.kind,
			label: k.label,
			description: k.description,
			marketing: k.marketing,
			email: wants(recipient, k.kind, 'email'),
			push: wants(recipient, k.kind, 'push')
		})),
		emailVerified: recipient.emailVerified,
		consentMarketing: recipient.consentMarketing,
		devices: devices.map((d) => ({
			id: d.id,
			endpoint: d.endpoint,
			device: d.device || 'A browser',
			since: d.createdAt.toISOString()
		})),
		vapidPublicKey: keys.publicKey,
		birthday
	};
};

const birthdaySchema = z
	.object({
		month: z.string().trim().optional(),
		day: z.string().trim().optional()
	})
	.transform((v, ctx) => {
		const month = v.month ? Number(v.month) : null;
		const day = v.day ? Number(v.day) : null;
		const problem = birthdayProblem(month, day);
		if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
		return { month, day };
	});

export const actions: Actions = {
	preferences: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const db = getDb();
		// Every box is on the page, so a missing one is a box switched off.
		await db.transaction(async (tx) => {
			for (const { kind } of NOTIFICATION_KINDS) {
				for (const channel of CHANNELS) {
					await setPreference(tx, user.id, kind, channel, form.get(preferenceKey(kind, channel)) === 'on');
				}
			}
		});
		return { action: 'preferences', saved: true };
	},
	birthday: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		const parsed = parseForm(birthdaySchema, form);
		if (!parsed.ok)
			return fail(400, {
				action: 'birthday',
				errors: parsed.errors,
				values: { month: String(form.get('month') ?? ''), day: String(form.get('day') ?? '') }
			});
		await setBirthday(getDb(), user.id, parsed.data);
		return { action: 'birthday', saved: true };
	},
	subscribe: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		let raw: unknown;
		try {
			raw = JSON.parse(String(form.get('subscription') ?? ''));
		} catch {
			raw = null;
		}
		const subscription = parseSubscription(raw);
		if (!subscription)
			return fail(400, {
				action: 'subscribe',
				errors: { form: 'This browser sent a subscription we cannot use.' }
			});
		await saveSubscription(getDb(), user.id, subscription, String(form.get('device') ?? ''));
		return { action: 'subscribe', saved: true };
	},
	removeDevice: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event);
		await removeSubscription(getDb(), user.id, String(form.get('endpoint') ?? ''));
		return { action: 'removeDevice', saved: true };
	}
};
