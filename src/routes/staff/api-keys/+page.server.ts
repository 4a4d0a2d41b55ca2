import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { houseTimeZone } from '$lib/server/house';
import { formatFullDateTime } from '$lib/time';
import { parseForm } from '$lib/server/forms';
import { loadRules } from '$lib/server/loyalty';
import { createApiKey, listApiKeys, revokeApiKey } from '$lib/server/partners';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { newSubmissionKey, submissionKeyOf, submitOnce } from '$lib/server/submit-once';

// Formatted here, in the house's time zone, so server and browser render the same text.
const stamp = (d: Date | null) =>
	d ? { iso: d.toISOString(), text: formatFullDateTime(d, houseTimeZone()) } : null;

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const [keys, rules] = await Promise.all([listApiKeys(db), loadRules(db)]);
	const labels = new Map(rules.map((r) => [r.kind, r.label]));
	return {
		kinds: rules.map((r) => ({ kind: r.kind, label: r.label })),
		keys: keys.map((k) => ({
			id: k.id,
			name: k.name,
			prefix: k.prefix,
			scopes: k.scopes.map((kind) => ({ kind, label: labels.get(kind) ?? kind })),
			created: stamp(k.createdAt)!,
			lastUsed: stamp(k.lastUsedAt),
			revoked: stamp(k.revokedAt)
		})),
		submission: newSubmissionKey()
	};
};

function createSchema(kinds: string[]) {
	return z.object({
		name: z
			.string()
			.trim()
			.min(1, 'Name the key after the partner system that will use it.')
			.max(80, 'Keep the name under 80 characters.'),
		scopes: z.preprocess(
			(v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
			z
				.array(z.string().refine((k) => kinds.includes(k), 'Choose kinds from the list.'))
				.min(1, 'Choose at least one kind this key may send.')
		)
	});
}

const revokeSchema = z.object({ id: z.guid('Choose a key to revoke.') });

export const actions: Actions = {
	create: async (event) => {
		const user = requireStaff(event);
		const db = getDb();
		const form = await readForm(event);
		const kinds = (await loadRules(db)).map((r) => r.kind);
		const parsed = parseForm(createSchema(kinds), form);
		if (!parsed.ok) {
			return fail(400, {
				action: 'create' as const,
				errors: parsed.errors,
				values: { name: String(form.get('name') ?? ''), scopes: form.getAll('scopes').map(String) }
			});
		}
		let key: string | undefined;
		const summary = await submitOnce(
			db,
			{ kind: 'api-key', key: submissionKeyOf(form), actorId: user.id },
			async () => {
				const created = await createApiKey(db, { ...parsed.data, createdBy: user.id });
				key = created.key;
				return JSON.stringify({ name: created.apiKey.name, prefix: created.apiKey.prefix });
			}
		);
		const { name, prefix } = JSON.parse(summary!) as { name: string; prefix: string };
		// A repeated submission cannot show the key again (only its hash is kept): it says so.
		return { action: 'create' as const, created: { name, prefix, key: key ?? null } };
	},
	revoke: async (event) => {
		const user = requireStaff(event);
		const parsed = parseForm(revokeSchema, await readForm(event));
		if (!parsed.ok) return fail(400, { action: 'revoke' as const, errors: { form: parsed.errors.id } });
		const revoked = await revokeApiKey(getDb(), { id: parsed.data.id, actorId: user.id });
		if (!revoked) {
			return fail(404, {
				action: 'revoke' as const,
				errors: { form: 'That key does not exist or is already revoked.' }
			});
		}
		return { action: 'revoke' as const, revoked: { name: revoked.name, prefix: revoked.prefix } };
	}
};
