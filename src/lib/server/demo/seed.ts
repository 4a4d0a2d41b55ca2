// The demo house: a fictional artist, the default ladder, a staff account and a few fans.
// Safe to run on every start: everything is keyed (house id, tier rank, email) and only inserted once.
import type { Database } from '../db';
import { house } from '../db/schema';
import { hashPassword, getUserByEmail, insertUser } from '../auth';
import { seedEssentials } from '../setup';
import { seedTickets } from './seed-tickets';
import { seedPollsDemo } from './seed-polls';
import { seedDrops } from './seed-drops';
import { generateHistory } from './history';
import { config } from '../config';

export const DEMO_PASSWORD = 'encore-demo-2026';

export const DEMO_ACCOUNTS = [
	{ email: 'staff@encore.demo', displayName: 'Robin (staff)', role: 'admin' as const },
	{ email: 'mara@encore.demo', displayName: 'Mara Jensen', role: 'fan' as const },
	{ email: 'theo@encore.demo', displayName: 'Theo Okafor', role: 'fan' as const },
	{ email: 'ines@encore.demo', displayName: 'Inès Laurent', role: 'fan' as const }
];

export const DEMO_HOUSE = {
	name: 'The Night Owls',
	tagline: 'An indie-folk band from Ghent, and the fans who keep the lights on.',
	about:
		'The Night Owls write songs in a converted tram depot and play them in small rooms. This is where our closest listeners hear things first, help shape what comes next, and get in before the doors open.'
};

/** The seed of the demo's generated history: the same fans and shapes on every fresh demo. */
export const DEMO_HISTORY_SEED = 7;

export async function seedDemo(
	db: Database,
	options: { historyMembers?: number } = {}
): Promise<{ created: number }> {
	await seedEssentials(db);
	await db
		.insert(house)
		.values({ id: 1, ...DEMO_HOUSE })
		.onConflictDoNothing();
	let created = 0;
	let passwordHash: string | undefined;
	for (const account of DEMO_ACCOUNTS) {
		if (await getUserByEmail(db, account.email)) continue;
		passwordHash ??= await hashPassword(DEMO_PASSWORD);
		const user = await insertUser(db, {
			...account,
			passwordHash,
			emailVerifiedAt: new Date(),
			consentAnalytics: true
		});
		if (user) created++;
	}
	await seedTickets(db);
	await seedPollsDemo(db);
	await seedDrops(db);
	// A year of generated fans, engagement and patronage, so insights have shapes to show (once).
	await generateHistory(db, {
		members: options.historyMembers ?? config.demoHistoryMembers,
		seed: DEMO_HISTORY_SEED
	});
	return { created };
}
