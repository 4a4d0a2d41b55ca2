import { error, fail } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { formValues } from '$lib/server/forms';
import {
	formValuesOf,
	previewBody,
	tierOptions,
	deleteMedia,
	storeUpload,
	runDropsDueWork,
	changeStatus,
	getDrop,
	listMedia,
	listRevisions,
	rerenderBody,
	saveDrop,
	setPinned,
	parseDropForm
} from '$lib/server/drops';
import { houseTimeZone } from '$lib/server/house';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/http';

function dropId(event: Pick<RequestEvent, 'params'>): number {
	const id = Number(event.params.id);
	if (!Number.isInteger(id) || id <= 0) error(404, 'There is no such drop.');
	return id;
}

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const id = dropId(event);
	const drop = await getDrop(db, id);
	if (!drop) error(404, 'There is no such drop.');
	const [tiers, media, revisions] = await Promise.all([
		tierOptions(db),
		listMedia(db, id),
		listRevisions(db, id)
	]);
	return {
		tiers,
		zone: houseTimeZone(),
		maxUploadBytes: config.dropsMaxUploadBytes,
		saved: event.url.searchParams.get('saved'),
		drop: {
			id: drop.id,
			slug: drop.slug,
			title: drop.title,
			status: drop.status,
			pinned: drop.pinned,
			publishAt: drop.publishAt?.toISOString() ?? null
		},
		values: formValuesOf(drop),
		bodyHtml: drop.bodyHtml,
		media: media.map((m) => ({
			id: m.id,
			kind: m.kind,
			originalName: m.originalName,
			alt: m.alt,
			bytes: m.bytes,
			width: m.width,
			height: m.height,
			thumb: m.kind === 'image' ? `/drops/media/${m.id}/${Math.min(...m.variants)}.webp` : null
		})),
		revisions: revisions.map((r) => ({ id: r.id, title: r.title, createdAt: r.createdAt.toISOString() }))
	};
};

export const actions: Actions = {
	save: async (event) => {
		const staff = requireStaff(event);
		const db = getDb();
		const id = dropId(event);
		const form = await readForm(event);
		const values = formValues(form);
		const now = new Date();
		const parsed = parseDropForm(form, await tierOptions(db), now, houseTimeZone());
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values, previewHtml: null });
		const result = await saveDrop(db, { id, input: parsed.data, actorId: staff.id, now });
		if (!result.ok) return fail(400, { errors: result.errors, values, previewHtml: null });
		if (result.wentLive) await runDropsDueWork(db, now);
		return { saved: parsed.data.intent, errors: {}, values: formValuesOf(result.drop), previewHtml: null };
	},
	preview: async (event) => {
		requireStaff(event);
		const form = await readForm(event);
		const values = formValues(form);
		return {
			errors: {},
			values,
			previewHtml: await previewBody(getDb(), values.body ?? '', dropId(event))
		};
	},
	unpublish: async (event) => {
		const staff = requireStaff(event);
		await changeStatus(getDb(), dropId(event), 'draft', staff.id);
		return { statusChanged: 'draft' };
	},
	archive: async (event) => {
		const staff = requireStaff(event);
		await changeStatus(getDb(), dropId(event), 'archived', staff.id);
		return { statusChanged: 'archived' };
	},
	pin: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		await setPinned(getDb(), dropId(event), form.get('pinned') === 'true', staff.id);
		return { pinChanged: true };
	},
	upload: async (event) => {
		const staff = requireStaff(event);
		const db = getDb();
		const id = dropId(event);
		const form = await readForm(event);
		const file = form.get('file');
		const alt = String(form.get('alt') ?? '').trim();
		if (!(file instanceof File) || file.size === 0)
			return fail(400, { uploadError: 'Choose a file to upload.', alt });
		const result = await storeUpload(db, { dropId: id, file, alt, actorId: staff.id });
		if (!result.ok) return fail(400, { uploadError: result.error, alt });
		await rerenderBody(db, id);
		const m = result.media;
		return { uploaded: { id: m.id, snippet: `![${m.alt || m.originalName}](media:${m.id})` } };
	},
	deleteMedia: async (event) => {
		const staff = requireStaff(event);
		const db = getDb();
		const id = dropId(event);
		const form = await readForm(event);
		const mediaId = String(form.get('mediaId') ?? '');
		if (!/^[0-9a-f-]{36}$/i.test(mediaId)) return fail(400, { uploadError: 'Unknown file.' });
		await deleteMedia(db, id, mediaId, staff.id);
		await rerenderBody(db, id);
		return { mediaDeleted: true };
	}
};
