// Demo drops, so the demo feed looks alive: an open welcome with a photo, a Fan drop, a Patron
// letter (locked for most), a live video in early access for Inner Circle, and one scheduled.
// Idempotent: each drop is keyed by its slug and only created once.
import sharp from 'sharp';
import type { Database } from '../db';
import { getUserByEmail } from '../auth';
import { storeUpload, runDropsDueWork, getDropBySlug, saveDrop, type DropInput } from '../drops';

const DAY = 24 * 60 * 60 * 1000;

/** A generated cover (no binary file in the repository): the house colours as a soft gradient. */
async function demoCover(): Promise<File> {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900">
		<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
			<stop offset="0" stop-color="#5b3df5"/><stop offset="1" stop-color="#1a0f5c"/></linearGradient></defs>
		<rect width="1600" height="900" fill="url(#g)"/>
		<circle cx="1180" cy="330" r="180" fill="#f5c26b" opacity="0.9"/>
		<rect x="0" y="640" width="1600" height="260" fill="#0f0e1a" opacity="0.55"/>
		<text x="120" y="560" font-family="sans-serif" font-size="120" font-weight="800" fill="#ffffff">The Night Owls</text>
	</svg>`;
	const png = await sharp(Buffer.from(svg)).png().toBuffer();
	return new File([new Uint8Array(png)], 'tram-depot.png', { type: 'image/png' });
}

type Seed = Omit<DropInput, 'intent' | 'publishAt' | 'pinned'> & {
	pinned?: boolean;
	/** Days from now: negative is in the past. */
	publishIn: number;
	cover?: boolean;
};

const DROPS: Seed[] = [
	{
		slug: 'welcome-to-the-nest',
		title: 'Welcome to the nest',
		summary: 'A note from the tram depot, and what members will find here.',
		body: `We built this place for the people who come to every show, sing the second verse and tell their friends.

![The tram depot at dusk](media:COVER)

## What you will find here
- **Demos and voice memos** before anyone else hears them
- Photos and notes from the studio
- Early access to tickets, and a say in what comes next

Thank you for being here. — *Lien, Jonas, Saar and Bram*`,
		minRank: 0,
		windows: [],
		pinned: true,
		publishIn: -10,
		cover: true
	},
	{
		slug: 'lanterns-demo',
		title: 'Lanterns (kitchen demo)',
		summary: 'The first take of a new song, recorded on a phone at 2 a.m.',
		body: 'Recorded on a phone on the kitchen table, three chords and a borrowed harmonium. Tell us if it should make the record.',
		minRank: 1,
		windows: [],
		publishIn: -4
	},
	{
		slug: 'patron-letter-next-record',
		title: 'Patron letter: the next record',
		summary: 'Where we will record, who produces, and how your support pays for it.',
		body: 'Dear patrons, this is where the money goes: two weeks in a farmhouse studio near Ypres, a string quartet and a mastering engineer we have admired for years.',
		minRank: 3,
		windows: [],
		publishIn: -2
	},
	{
		slug: 'live-at-handelsbeurs',
		title: 'Live at the Handelsbeurs (full set)',
		summary: 'The whole Ghent show, filmed from the balcony. Inner Circle first.',
		body: 'Ninety minutes, two encores and one broken string.\n\nhttps://www.youtube.com/watch?v=aqz-KE-bpKQ',
		minRank: 0,
		windows: [
			{ rank: 4, delayMinutes: 0 },
			{ rank: 3, delayMinutes: 2 * 24 * 60 },
			{ rank: 0, delayMinutes: 7 * 24 * 60 }
		],
		publishIn: -1
	},
	{
		slug: 'winter-tour',
		title: 'Winter tour dates',
		summary: 'Twelve rooms, four countries, and a presale for members.',
		body: 'The dates, the rooms and when your presale opens.',
		minRank: 0,
		windows: [],
		publishIn: 3
	}
];

export async function seedDrops(db: Database, now = new Date()): Promise<void> {
	const staff = await getUserByEmail(db, 'staff@encore.demo');
	if (!staff) return;
	for (const seed of DROPS) {
		if (await getDropBySlug(db, seed.slug)) continue;
		const publishAt = new Date(now.getTime() + seed.publishIn * DAY);
		const result = await saveDrop(db, {
			input: {
				title: seed.title,
				slug: seed.slug,
				summary: seed.summary,
				body: seed.body,
				minRank: seed.minRank,
				windows: seed.windows,
				pinned: seed.pinned ?? false,
				intent: seed.publishIn > 0 ? 'schedule' : 'publish',
				publishAt
			},
			actorId: staff.id,
			// Published in the past: saved "then", so the feed's dates and windows read naturally.
			now: seed.publishIn > 0 ? now : publishAt
		});
		if (!result.ok || !seed.cover) continue;
		const upload = await storeUpload(db, {
			dropId: result.drop.id,
			file: await demoCover(),
			alt: 'The tram depot at dusk',
			actorId: staff.id
		});
		if (upload.ok) {
			const body = seed.body.replace('media:COVER', `media:${upload.media.id}`);
			await saveDrop(db, {
				id: result.drop.id,
				input: {
					...seed,
					pinned: seed.pinned ?? false,
					body,
					intent: 'save',
					publishAt: null
				},
				actorId: staff.id,
				now
			});
		}
	}
	await runDropsDueWork(db, now);
}
