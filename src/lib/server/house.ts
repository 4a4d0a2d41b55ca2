import { asc, eq } from 'drizzle-orm';
import { cached } from './cache';
import { config } from './config';
import type { Queryable } from './db';
import { house, tiers, type House, type Tier } from './db/schema';

const FALLBACK: Pick<House, 'name' | 'tagline' | 'about'> = {
	name: 'Encore',
	tagline: 'Your membership, your way in.',
	about: ''
};

/** The house's name and words; every page shows them, so they are cached for a few seconds. */
export function getHouse(db: Queryable): Promise<Pick<House, 'name' | 'tagline' | 'about'>> {
	return cached(db, 'house', async () => {
		const [row] = await db.select().from(house).where(eq(house.id, 1)).limit(1);
		return row ?? FALLBACK;
	});
}

/**
 * The house's time zone ("Europe/Brussels"): every time a person reads or types is on its clock
 * (events on their venue's). Everything reads it here, so making it a staff setting is one change.
 */
export function houseTimeZone(): string {
	return config.houseTimeZone;
}

/** The tiers as the public pages show them, remembered for a few seconds like the ladder. */
export function listTiers(db: Queryable): Promise<Tier[]> {
	return cached(db, 'tiers', () => db.select().from(tiers).orderBy(asc(tiers.rank)));
}
