import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { requireUser } from '$lib/server/auth';
import { createFeedToken, revokeFeedToken, loadFeed, type FeedFilter } from '$lib/server/drops';
import type { Actions, PageServerLoad } from './$types';

const FILTERS: FeedFilter[] = ['all', 'unlocked', 'locked', 'new'];

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = getDb();
	const show = event.url.searchParams.get('show') as FeedFilter | null;
	const filter: FeedFilter = show && FILTERS.includes(show) ? show : 'all';
	const page = Number(event.url.searchParams.get('page') ?? '1') || 1;
	const feed = await loadFeed(db, { id: user.id, role: user.role }, new Date(), filter, page);
	return { ...feed, filter };
};

export const actions: Actions = {
	feedLink: async (event) => {
		const user = requireUser(event);
		const token = await createFeedToken(getDb(), user.id);
		const origin = config.origin || event.url.origin;
		return { feedUrl: `${origin}/drops/feed/${token}` };
	},
	revokeFeed: async (event) => {
		const user = requireUser(event);
		await revokeFeedToken(getDb(), user.id);
		return { revoked: true };
	}
};
