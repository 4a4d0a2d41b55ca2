// "You reached Insider": an inbox item (and a celebration the next time the fan opens the app) for
// every step up the loyalty engine announces, posted in the same transaction as the change.
import type { Queryable } from '../../db';
import { loadLadder, onTierUp, type LadderRow, type TierUp } from '../../loyalty';
import { notify, type NewInboxItem } from '../inbox';
import { renderMoment, type MomentWording } from './catalogue';
import { loadMomentWordings } from './post';

export function tierUpMoment(
	ladder: readonly LadderRow[],
	up: TierUp,
	wording: MomentWording | undefined
): NewInboxItem | null {
	const tier = ladder.find((t) => t.rank === up.toRank);
	if (!tier) return null;
	const before = ladder.find((t) => t.rank === up.fromRank);
	const unlocked = tier.benefits.filter((b) => !before?.benefits.includes(b));
	const text = renderMoment(
		'tier_up',
		{ tier: tier.name, unlocked: unlocked.length ? unlocked.join('; ') : `everything ${tier.name} offers` },
		wording
	);
	if (!text) return null;
	return {
		memberId: up.memberId,
		kind: 'tier_up',
		...text,
		link: '/me',
		data: { rank: tier.rank, name: tier.name, colour: tier.colour, unlocked },
		dedupeKey: `tier-up:${up.memberId}:${tier.rank}:${up.at.toISOString()}`
	};
}

export async function postTierUpMoments(tx: Queryable, ups: readonly TierUp[]): Promise<void> {
	const [ladder, wordings] = await Promise.all([loadLadder(tx), loadMomentWordings(tx)]);
	const wording = wordings.get('tier_up');
	await notify(
		tx,
		ups.flatMap((up) => tierUpMoment(ladder, up, wording) ?? [])
	);
}

/** Called once at start (see setup/wiring.ts); registering twice changes nothing. */
export function registerTierUpMoments(): void {
	onTierUp(postTierUpMoments);
}
