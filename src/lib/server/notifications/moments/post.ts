// Posting a moment: the staff's wording (or the built-in one) filled in and put through the
// notification pipeline; nothing when staff switched the moment off.
import { eq } from 'drizzle-orm';
import { cached, forgetCached } from '../../cache';
import type { Queryable } from '../../db';
import { momentSettings } from '../../db/schema';
import { notify, type NewInboxItem } from '../inbox';
import { renderMoment, type MomentWording } from './catalogue';

export async function loadMomentWordings(db: Queryable): Promise<Map<string, MomentWording>> {
	return cached(db, 'moment-settings', async () => {
		const rows = await db.select().from(momentSettings);
		return new Map(rows.map((r) => [r.kind, { enabled: r.enabled, title: r.title, body: r.body }]));
	});
}

export interface MomentInput {
	memberId: string;
	vars: Record<string, string>;
	link?: string | null;
	data?: Record<string, unknown>;
	/** One moment per key, ever (see inbox dedupe). */
	dedupeKey: string;
}

/** Posts the moment to each member; returns how many were posted (0 when switched off). */
export async function postMoments(
	db: Queryable,
	kind: string,
	inputs: readonly MomentInput[]
): Promise<number> {
	if (inputs.length === 0) return 0;
	const wording = (await loadMomentWordings(db)).get(kind);
	const items: NewInboxItem[] = [];
	for (const input of inputs) {
		const text = renderMoment(kind, input.vars, wording);
		if (!text) return 0;
		items.push({
			memberId: input.memberId,
			kind,
			...text,
			link: input.link ?? null,
			data: input.data,
			dedupeKey: input.dedupeKey
		});
	}
	await notify(db, items);
	return items.length;
}

/**
 * For moments a feature words itself (presale opening, poll outcome, board invitation): nothing
 * when staff switched the moment off, the staff's words filled with `vars` when they reworded it,
 * else the feature's own text.
 */
export async function applyWording(
	db: Queryable,
	kind: string,
	items: readonly (NewInboxItem & { vars: Record<string, string> })[]
): Promise<NewInboxItem[]> {
	const wording = (await loadMomentWordings(db)).get(kind);
	return items.flatMap(({ vars, ...item }) => {
		if (!wording) return [item];
		const text = renderMoment(kind, vars, wording);
		if (!text) return [];
		return [
			{ ...item, title: wording.title ? text.title : item.title, body: wording.body ? text.body : item.body }
		];
	});
}

export async function saveMomentWording(
	db: Queryable,
	kind: string,
	wording: MomentWording,
	actorId: string
): Promise<void> {
	const values = { kind, ...wording, updatedBy: actorId, updatedAt: new Date() };
	await db
		.insert(momentSettings)
		.values(values)
		.onConflictDoUpdate({ target: momentSettings.kind, set: values });
	forgetCached(db);
}

export async function resetMomentWording(db: Queryable, kind: string): Promise<void> {
	await db.delete(momentSettings).where(eq(momentSettings.kind, kind));
	forgetCached(db);
}
