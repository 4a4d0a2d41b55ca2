// The staff editor's glue between the form and the store: the ladder as options, a drop as form
// values, and the preview through the same renderer and sanitiser as the saved body.
import type { Queryable } from '../db';
import type { Drop } from '../db/schema';
import { wallClock } from '$lib/time';
import { houseTimeZone } from '../house';
import { loadLadder } from '../loyalty';
import { renderMarkdown } from './markdown';
import { listMedia, mediaRefs } from './store';
import { delayDays, windowField } from './form';

export async function tierOptions(db: Queryable) {
	const ladder = await loadLadder(db);
	return ladder.map((t) => ({ rank: t.rank, name: t.name, colour: t.colour }));
}

/** A drop as the editor's form values (strings, like the form sends them back). */
export function formValuesOf(drop: Drop): Record<string, string> {
	const values: Record<string, string> = {
		title: drop.title,
		slug: drop.slug,
		summary: drop.summary,
		body: drop.body,
		minRank: String(drop.minRank),
		pinned: drop.pinned ? 'on' : '',
		publishAt: drop.publishAt ? wallClock(drop.publishAt, houseTimeZone()) : ''
	};
	for (const w of drop.windows) values[windowField(w.rank)] = delayDays(w.delayMinutes);
	return values;
}

/** The preview staff see while typing: exactly what fans would get. */
export async function previewBody(db: Queryable, body: string, dropId: number | null): Promise<string> {
	const media = dropId ? await listMedia(db, dropId) : [];
	return renderMarkdown(body.slice(0, 100_000), mediaRefs(media));
}
