// The personal home's sections for one member: what became readable for them since their last
// visit ("New for you"), what waits on them ("Your turn") and their recent moments. Which drops a
// member may read is asked of drops' access rule; a locked drop is never listed, and no drop's
// body is read here at all (only titles and teasers).
import { sql } from 'drizzle-orm';
import { jsonValue, readTogether, type Queryable, type Read } from '../db';
import { dropAccess, latestOpening, listLiveDrops, openingFor, viewerOf, type Member } from '../drops';
import { houseTimeZone } from '../house';
import { ADJUSTMENT_KIND, type LadderRow } from '../loyalty';
import { isEligible as mayVote } from '../polls';
import { isEligible as mayTakePart, windowPhase } from '../tickets';
import { audienceOf, drawReason, dropReason, invitationReason, pollReason, presaleReason } from './reasons';

const DAY = 24 * 60 * 60 * 1000;
/** A first visit counts the last week as new. */
const FIRST_VISIT_NEW = 7 * DAY;
/** Presale windows opening within this much time are listed. */
const PRESALE_AHEAD = 14 * DAY;
const NEW_LIMIT = 6;
const MOMENTS_LIMIT = 4;
/** Kinds that are not the member's own doing (first steps count only their own). */
const NOT_OWN = [ADJUSTMENT_KIND, 'birthday'];

export interface HomeItem {
	/** Stable key for the list: "drop:12", "poll:3". */
	key: string;
	kind: 'drop' | 'poll' | 'presale' | 'invitation' | 'draw' | 'moment';
	title: string;
	/** A teaser or a line of context (never a locked drop's body: drops only give their summary). */
	detail: string;
	href: string;
	reason: string;
	/** ISO; for sorting and the moment's time. */
	at: string;
}

export interface Home {
	newForYou: HomeItem[];
	yourTurn: HomeItem[];
	moments: HomeItem[];
	/** No engagement of their own yet: show the first-steps card. */
	firstSteps: boolean;
	/** ISO of the visit "new" counts from, null on a first visit. */
	since: string | null;
}

export interface HomeRow {
	since: string | Date | null;
	step_up: { fromRank: number; toRank: number } | null;
	polls: { id: number; question: string; description: string; eligibleRanks: number[]; closesAt: string }[];
	windows: {
		id: number;
		minRank: number;
		opensAt: string;
		closesAt: string;
		mode: 'first_come' | 'draw';
		seatsRemaining: number;
		slug: string;
		title: string;
		venue: string;
	}[];
	invitations: { id: number; boardId: number; name: string; purpose: string; deadline: string }[];
	offers: { id: number; claimBy: string; seats: number; slug: string; title: string }[];
	moments: {
		id: number;
		kind: string;
		title: string;
		body: string;
		link: string | null;
		createdAt: string;
	}[];
	own: boolean;
}

/** A JSON array of the subquery's rows, '[]' when it has none. */
const jsonRows = (query: ReturnType<typeof sql>) =>
	sql`coalesce((select json_agg(row_to_json(q)) from (${query}) q), '[]'::json)`;

/**
 * Everything the home reads, as one read (a page asks it together with its others): the visit is
 * recorded and "new" counted from the previous one. A reload within ten minutes keeps the list,
 * and the visit row is written at most once a minute, so a fan reloading /me makes no writes.
 */
export function homeRead(memberId: string, now: Date): Read<HomeRow> {
	const at = now.toISOString();
	const m = sql`${memberId}::uuid`;
	const ahead = new Date(now.getTime() + PRESALE_AHEAD).toISOString();
	const monthAgo = new Date(now.getTime() - 30 * DAY).toISOString();
	const firstVisit = new Date(now.getTime() - FIRST_VISIT_NEW).toISOString();
	const notOwn = sql.join(
		NOT_OWN.map((k) => sql`${k}`),
		sql`, `
	);
	return {
		with: [
			sql`home_visit as (
				insert into home_visits as v (member_id, previous_at, seen_at) values (${m}, null, ${at}::timestamptz)
				on conflict (member_id) do update set
					previous_at = case when v.seen_at < ${at}::timestamptz - interval '10 minutes' then v.seen_at else v.previous_at end,
					seen_at = greatest(v.seen_at, excluded.seen_at)
				where v.seen_at < ${at}::timestamptz - interval '1 minute'
				returning previous_at)`,
			// Written now, or as it was: the statement's snapshot does not see its own write.
			sql`home_since as (
				select coalesce((select previous_at from home_visit),
					(select previous_at from home_visits where member_id = ${m})) as previous_at)`
		],
		value: sql`(select json_build_object(
			'since', (select previous_at from home_since),
			'step_up', (select row_to_json(s) from (
				select from_rank as "fromRank", to_rank as "toRank" from tier_changes
				where member_id = ${m} and to_rank > from_rank
					and at > coalesce((select previous_at from home_since), ${firstVisit}::timestamptz)
				order by at limit 1) s),
			'polls', ${jsonRows(sql`
				select p.id, p.question, p.description, p.eligible_ranks as "eligibleRanks", p.closes_at as "closesAt"
				from polls p
				where p.opens_at <= ${at}::timestamptz and p.closes_at > ${at}::timestamptz
					and not exists (select 1 from poll_ballots b where b.poll_id = p.id and b.member_id = ${m})
				order by p.closes_at limit 20`)},
			'windows', ${jsonRows(sql`
				select w.id, w.min_rank as "minRank", w.opens_at as "opensAt", w.closes_at as "closesAt", w.mode,
					w.seats_remaining as "seatsRemaining", e.slug, e.title, e.venue
				from presale_windows w join events e on e.id = w.event_id
				where w.closes_at > ${at}::timestamptz and w.opens_at <= ${ahead}::timestamptz
					and not exists (select 1 from presale_claims c where c.window_id = w.id and c.member_id = ${m}
						and c.status in ('offered', 'claimed'))
					and not exists (select 1 from presale_entries pe where pe.window_id = w.id and pe.member_id = ${m})
				order by w.opens_at limit 20`)},
			'invitations', ${jsonRows(sql`
				select i.id, b.id as "boardId", b.name, b.purpose, i.deadline
				from board_invitations i join boards b on b.id = i.board_id
				where i.member_id = ${m} and i.status = 'pending' and i.deadline > ${at}::timestamptz
				order by i.deadline`)},
			'offers', ${jsonRows(sql`
				select c.id, c.claim_by as "claimBy", c.seats, e.slug, e.title
				from presale_claims c join events e on e.id = c.event_id
				where c.member_id = ${m} and c.status = 'offered' and c.claim_by > ${at}::timestamptz
				order by c.claim_by`)},
			'moments', ${jsonRows(sql`
				select id, kind, title, body, link, created_at as "createdAt" from inbox_items
				where member_id = ${m} and created_at > ${monthAgo}::timestamptz
				order by created_at desc, id desc limit ${MOMENTS_LIMIT}`)},
			'own', exists (select 1 from engagements where member_id = ${m} and kind not in (${notOwn}))))`,
		parse: (v) => jsonValue<HomeRow>(v)
	};
}

/** The rank the home is shown for and the ladder; /me passes the standing it has already read. */
export interface HomeViewer {
	rank: number;
	ladder: LadderRow[];
}

export async function loadHome(
	db: Queryable,
	member: Member,
	now = new Date(),
	standing?: Promise<HomeViewer> | HomeViewer
): Promise<Home> {
	const [viewing, liveDrops, { home }] = await Promise.all([
		standing ?? viewerOf(db, member, now).then(({ viewer, ladder }) => ({ rank: viewer.rank, ladder })),
		listLiveDrops(db, now),
		readTogether(db, { home: homeRead(member.id, now) })
	]);
	return homeFrom(home, viewing, liveDrops, now);
}

/** The home from what homeRead read, for the member at `rank`. Pure. */
export function homeFrom(
	row: HomeRow,
	{ rank, ladder }: HomeViewer,
	liveDrops: Awaited<ReturnType<typeof listLiveDrops>>,
	now: Date
): Home {
	const zone = houseTimeZone();
	// Staff see the home a fan of their tier would: no previews of what their tier cannot read.
	const viewer = { rank, staff: false };
	const previous = row.since ? new Date(row.since) : null;
	const since = previous ?? new Date(now.getTime() - FIRST_VISIT_NEW);
	const ranks = ladder.map((t) => t.rank);
	const tierName = (rank: number) => ladder.find((t) => t.rank === rank)?.name ?? null;
	const date = (iso: string) => new Date(iso);
	const openPolls = row.polls.map((p) => ({ ...p, closesAt: date(p.closesAt) }));
	const windows = row.windows.map((w) => ({ ...w, opensAt: date(w.opensAt), closesAt: date(w.closesAt) }));
	const invitations = row.invitations.map((i) => ({ ...i, deadline: date(i.deadline) }));
	const offers = row.offers.map((o) => ({ ...o, claimBy: date(o.claimBy) }));
	const moments = row.moments.map((m) => ({ ...m, createdAt: date(m.createdAt) }));

	const step = row.step_up;
	const opened: { drop: (typeof liveDrops)[number]; openedAt: Date }[] = [];
	for (const drop of liveDrops) {
		// Most of a year's drops opened for everyone before the last visit: skipped before any rule runs.
		const stepRelevant = step !== null && drop.minRank > step.fromRank;
		if (!stepRelevant && latestOpening(drop)!.getTime() <= since.getTime()) continue;
		const access = dropAccess(drop, viewer, now, ranks);
		if (access.kind !== 'open' || !access.since) continue;
		if (access.since.getTime() <= since.getTime() && !stepRelevant) continue;
		// Visible through a step up: it was published before, but only readable since the new tier.
		opened.push({
			drop,
			openedAt: stepRelevant && access.since.getTime() <= since.getTime() ? now : access.since
		});
	}
	// Newest first; only the ones shown get their reason worded.
	opened.sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime());
	const newForYou: HomeItem[] = opened.slice(0, NEW_LIMIT).map(({ drop, openedAt }) => {
		const windowRank = drop.windows
			.filter((w) => w.rank <= viewer.rank)
			.sort((a, b) => a.delayMinutes - b.delayMinutes)[0]?.rank;
		return {
			key: `drop:${drop.id}`,
			kind: 'drop',
			title: drop.title,
			detail: drop.summary,
			href: `/drops/${drop.slug}`,
			reason: dropReason(
				{
					openedAt,
					publishAt: drop.publishAt!,
					minRank: drop.minRank,
					rankBefore: step?.fromRank ?? null,
					tierName: step ? tierName(step.toRank) : null,
					windowTierName: windowRank === undefined ? null : tierName(windowRank),
					generalAt: openingFor(drop, drop.minRank)
				},
				now,
				zone
			),
			at: openedAt.toISOString()
		};
	});

	const yourTurn: HomeItem[] = [];
	for (const o of offers) {
		yourTurn.push({
			key: `draw:${o.id}`,
			kind: 'draw',
			title: `Confirm your seats for ${o.title}`,
			detail: `${o.seats} ${o.seats === 1 ? 'seat' : 'seats'} held for you`,
			href: `/tickets/${o.slug}`,
			reason: drawReason(o.claimBy!, now, zone),
			at: o.claimBy!.toISOString()
		});
	}
	for (const i of invitations) {
		yourTurn.push({
			key: `invitation:${i.id}`,
			kind: 'invitation',
			title: `Join the ${i.name}`,
			detail: i.purpose,
			href: '/board',
			reason: invitationReason(i.deadline, now, zone),
			at: i.deadline.toISOString()
		});
	}
	for (const p of openPolls) {
		if (!mayVote(p, viewer.rank)) continue;
		yourTurn.push({
			key: `poll:${p.id}`,
			kind: 'poll',
			title: p.question,
			detail: p.description,
			href: `/polls/${p.id}`,
			reason: pollReason(
				{
					closesAt: p.closesAt,
					eligibleTierNames: p.eligibleRanks.map((r) => tierName(r)).filter((n): n is string => !!n)
				},
				now,
				zone
			),
			at: p.closesAt.toISOString()
		});
	}
	const seenEvents = new Set<string>();
	for (const w of windows) {
		if (!mayTakePart(w, viewer.rank) || seenEvents.has(w.slug)) continue;
		const phase = windowPhase(w, now);
		if (phase === 'open' && w.mode === 'first_come' && w.seatsRemaining === 0) continue;
		seenEvents.add(w.slug);
		yourTurn.push({
			key: `presale:${w.id}`,
			kind: 'presale',
			title: `Presale: ${w.title}`,
			detail: w.venue,
			href: `/tickets/${w.slug}`,
			reason: presaleReason(
				{ opensAt: w.opensAt, closesAt: w.closesAt, audience: audienceOf(ladder, w.minRank), mode: w.mode },
				now,
				zone
			),
			at: w.opensAt.toISOString()
		});
	}

	return {
		newForYou,
		yourTurn,
		moments: moments.map((m) => ({
			key: `moment:${m.id}`,
			kind: 'moment',
			title: m.title,
			detail: m.body,
			href: m.link ?? '/me/inbox',
			reason: '',
			at: m.createdAt.toISOString()
		})),
		firstSteps: !row.own,
		since: previous?.toISOString() ?? null
	};
}
