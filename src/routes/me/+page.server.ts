import { fail } from '@sveltejs/kit';
import { getDb, readTogether } from '$lib/server/db';
import { resendVerification } from '$lib/server/accounts';
import { requireUser } from '$lib/server/auth';
import { celebrationRead, markCelebrated } from '$lib/server/notifications';
import { activityRead, standingRead } from '$lib/server/loyalty';
import { homeFrom, homeRead } from '$lib/server/home';
import { listLiveDrops } from '$lib/server/drops';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = getDb();
	const now = new Date();
	// Four domains' reads in one statement (db/together.ts): a round trip costs more than the rows.
	const [standingR, liveDrops] = await Promise.all([standingRead(db, user.id, now), listLiveDrops(db, now)]);
	const read = await readTogether(db, {
		standing: standingR,
		recent: activityRead(user.id, 5),
		celebration: celebrationRead(user.id),
		home: homeRead(user.id, now)
	});
	const { standing, recent, celebration } = read;
	// The home is judged at the standing's tier.
	const home = homeFrom(read.home, { rank: standing.progress.rank, ladder: standing.ladder }, liveDrops, now);
	// The celebration plays once: it is marked as shown with the page that shows it.
	if (celebration) await markCelebrated(db, user.id);
	const { progress, tier, ladder } = standing;
	const next = progress.next;
	const nextTier = next && ladder.find((t) => t.rank === next.tier.rank);
	const buy = next?.buy;
	return {
		welcome: event.url.searchParams.has('welcome'),
		passwordChanged: event.url.searchParams.has('passwordChanged'),
		memberSince: user.createdAt.toISOString(),
		tier: { rank: tier.rank, name: tier.name, colour: tier.colour, benefits: tier.benefits },
		route: progress.route,
		points: progress.points,
		next: next && {
			name: next.tier.name,
			colour: nextTier?.colour ?? tier.colour,
			benefits: (nextTier?.benefits ?? []).filter((b) => !tier.benefits.includes(b)),
			pointsNeeded: next.pointsNeeded,
			byDate: next.byDate?.toISOString() ?? null,
			fraction: next.fraction,
			buy: buy ? { name: buy.paidName ?? buy.name, tierName: buy.name } : null
		},
		lapse: progress.lapse && { ...progress.lapse, at: progress.lapse.at.toISOString() },
		home,
		recent: recent.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })),
		celebration: celebration && {
			title: celebration.title,
			body: celebration.body,
			colour: typeof celebration.data.colour === 'string' ? celebration.data.colour : tier.colour
		}
	};
};

export const actions: Actions = {
	resendVerification: async (event) => {
		const user = requireUser(event);
		const result = await resendVerification(getDb(), user.id);
		if (!result.ok) return fail(result.status, { errors: result.errors, resent: false });
		return { resent: true, errors: {} as Record<string, string> };
	}
};
