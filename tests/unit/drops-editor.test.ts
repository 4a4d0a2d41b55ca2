// The drop editor's rules (windows, slugs, scheduling) and what an upload may be.
import { describe, expect, it } from 'vitest';
import { checkUpload, isServableName, widthsFor } from '$lib/server/drops/upload-rules';
import { releasesOf } from '$lib/server/drops/releases';
import { parseDropForm, slugify } from '$lib/server/drops/form';
import { wallClockToInstant } from '$lib/server/house-time';
import { wallClock } from '$lib/time';

/** The instant, or null when the wall clock is refused. */
const toInstant = (local: string, zone: string) => {
	const r = wallClockToInstant(local, zone);
	return r.ok ? r.at : null;
};

const LADDER = [
	{ rank: 0, name: 'Listener' },
	{ rank: 1, name: 'Fan' },
	{ rank: 2, name: 'Insider' },
	{ rank: 3, name: 'Patron' },
	{ rank: 4, name: 'Inner Circle' }
];
const NOW = new Date('2026-05-01T10:00:00Z');
const ZONE = 'Europe/Brussels';

function form(fields: Record<string, string>): FormData {
	const f = new FormData();
	for (const [k, v] of Object.entries({ title: 'Winter demo', body: 'Hi', minRank: '0', ...fields }))
		f.set(k, v);
	return f;
}

describe('parseDropForm', () => {
	it('accepts a drop with early-access windows, highest tier first', () => {
		const r = parseDropForm(form({ 'window-4': '0', 'window-3': '2', 'window-0': '7' }), LADDER, NOW, ZONE);
		expect(r).toMatchObject({
			ok: true,
			data: {
				slug: 'winter-demo',
				windows: [
					{ rank: 4, delayMinutes: 0 },
					{ rank: 3, delayMinutes: 2880 },
					{ rank: 0, delayMinutes: 10080 }
				]
			}
		});
	});

	it('refuses windows out of order, next to the later field', () => {
		const r = parseDropForm(form({ 'window-4': '3', 'window-3': '2' }), LADDER, NOW, ZONE);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors['window-4']).toMatch(/Inner Circle cannot open later than Patron \(2 days\)/);
	});

	it('refuses a window for a tier below the minimum tier', () => {
		const r = parseDropForm(form({ minRank: '3', 'window-1': '5' }), LADDER, NOW, ZONE);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors['window-1']).toMatch(/Fan is below the minimum tier \(Patron\)/);
	});

	it('refuses bad numbers, bad slugs, reserved slugs and unknown tiers with messages per field', () => {
		const r = parseDropForm(
			form({ title: '', slug: 'Not a slug!', 'window-2': '-1', minRank: '9' }),
			LADDER,
			NOW,
			ZONE
		);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(Object.keys(r.errors).sort()).toEqual(['minRank', 'slug', 'title', 'window-2']);
		}
		const reserved = parseDropForm(form({ slug: 'feed' }), LADDER, NOW, ZONE);
		expect(!reserved.ok && reserved.errors.slug).toMatch(/reserved/);
	});

	it('schedules only in the future, read in the house time zone', () => {
		const past = parseDropForm(
			form({ intent: 'schedule', publishAt: '2026-05-01T11:59' }),
			LADDER,
			NOW,
			ZONE
		);
		expect(!past.ok && past.errors.publishAt).toMatch(/future/);
		const missing = parseDropForm(form({ intent: 'schedule' }), LADDER, NOW, ZONE);
		expect(!missing.ok && missing.errors.publishAt).toMatch(/Pick when/);
		const ok = parseDropForm(form({ intent: 'schedule', publishAt: '2026-05-01T12:01' }), LADDER, NOW, ZONE);
		// 12:01 in Brussels (UTC+2 in May) is 10:01 UTC.
		expect(ok.ok && ok.data.publishAt?.toISOString()).toBe('2026-05-01T10:01:00.000Z');
	});
});

describe('time zones and slugs', () => {
	it('round-trips local times across a DST change', () => {
		for (const local of ['2026-03-29T01:30', '2026-03-29T03:30', '2026-10-25T12:00', '2026-12-24T18:00']) {
			expect(wallClock(toInstant(local, ZONE)!, ZONE)).toBe(local);
		}
		expect(toInstant('2026-02-30T10:00', ZONE)).toBeNull();
		expect(toInstant('tomorrow', ZONE)).toBeNull();
	});

	it('makes addresses from titles', () => {
		expect(slugify('Live at the Handelsbeurs: Part 2!')).toBe('live-at-the-handelsbeurs-part-2');
		expect(slugify('Café Überraschung')).toBe('cafe-uberraschung');
	});
});

describe('releasesOf', () => {
	it('one release per tier that opens at its own moment, from the minimum up', () => {
		const publishAt = NOW;
		const r = releasesOf({
			minRank: 1,
			status: 'published',
			publishAt,
			windows: [
				{ rank: 4, delayMinutes: 0 },
				{ rank: 3, delayMinutes: 60 }
			]
		});
		expect(r).toEqual([
			{ rank: 1, opensAt: new Date(NOW.getTime() + 3_600_000) },
			{ rank: 4, opensAt: NOW },
			{ rank: 3, opensAt: new Date(NOW.getTime() + 3_600_000) }
		]);
	});
});

describe('checkUpload', () => {
	const MB = 1024 * 1024;
	it('accepts what the bytes say, whatever the name', () => {
		expect(checkUpload({ size: MB, maxBytes: 20 * MB, sniffed: 'image/png', claimed: 'image/png' })).toEqual({
			ok: true,
			kind: 'image',
			mime: 'image/png'
		});
		expect(
			checkUpload({ size: MB, maxBytes: 20 * MB, sniffed: 'audio/mpeg', claimed: 'audio/mp3' })
		).toMatchObject({
			ok: true,
			kind: 'audio'
		});
		expect(checkUpload({ size: MB, maxBytes: 20 * MB, sniffed: 'video/mp4', claimed: '' })).toMatchObject({
			ok: true,
			kind: 'video'
		});
	});

	it('refuses too large, unknown types (SVG, HTML), and files that lie about their type', () => {
		expect(
			checkUpload({ size: 21 * MB, maxBytes: 20 * MB, sniffed: 'image/png', claimed: 'image/png' })
		).toMatchObject({
			ok: false,
			error: expect.stringMatching(/too large \(21\.0 MB\); the limit is 20\.0 MB/)
		});
		expect(
			checkUpload({ size: 10, maxBytes: MB, sniffed: undefined, claimed: 'image/svg+xml' })
		).toMatchObject({
			ok: false,
			error: expect.stringMatching(/not accepted/)
		});
		expect(
			checkUpload({ size: 10, maxBytes: MB, sniffed: 'application/pdf', claimed: 'application/pdf' })
		).toMatchObject({
			ok: false
		});
		expect(
			checkUpload({ size: 10, maxBytes: MB, sniffed: 'image/jpeg', claimed: 'image/png' })
		).toMatchObject({
			ok: false,
			error: expect.stringMatching(/says it is image\/png but its content is image\/jpeg/)
		});
		expect(checkUpload({ size: 0, maxBytes: MB, sniffed: undefined, claimed: '' })).toMatchObject({
			ok: false
		});
	});

	it('resizes to the standard widths, never wider than the original', () => {
		expect(widthsFor(4000)).toEqual([480, 960, 1600]);
		expect(widthsFor(1200)).toEqual([480, 960, 1200]);
		expect(widthsFor(300)).toEqual([300]);
	});

	it('serves only the names it stored', () => {
		expect(isServableName('960.webp', 'image', [480, 960])).toBe(true);
		expect(isServableName('1600.webp', 'image', [480, 960])).toBe(false);
		expect(isServableName('../../etc/passwd', 'image', [480])).toBe(false);
		expect(isServableName('file', 'audio', [])).toBe(true);
		expect(isServableName('file', 'image', [480])).toBe(false);
	});
});
