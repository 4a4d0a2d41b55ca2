// What staff see: satisfaction (1–5) and NPS by tier, event, drop and month, response rates, the
// comments (with tier, filter and tags), cancellation reasons by tier, and "you said, we did".
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database, type Queryable } from '../db';
import { feedbackNotes, feedbackRequests } from '../db/schema';
import { audit } from '../audit';
import { notify, type NewInboxItem } from '../notifications';
import { npsFromCounts, normaliseTags, SENT_KINDS, type NpsSummary } from './rules';
import { FEEDBACK_NOTE_KIND } from './store';

export interface ScoreRow extends NpsSummary {
	key: string;
	label: string;
	sent: number;
	answered: number;
	/** answered / sent, 0–100, rounded; null when nothing was sent. */
	responseRate: number | null;
	satisfaction: number | null;
	satisfactionResponses: number;
}

const SATISFACTION = sql`r.kind in ('checkin', 'presale', 'drop') and r.score is not null`;

function aggregates() {
	return sql`
		count(*) filter (where r.kind in ${SENT_KINDS}) as sent,
		count(*) filter (where r.kind in ${SENT_KINDS} and r.answered_at is not null) as answered,
		round(avg(r.score) filter (where ${SATISFACTION}), 1) as satisfaction,
		count(*) filter (where ${SATISFACTION}) as sat_n,
		count(*) filter (where r.kind = 'nps' and r.score is not null) as nps_n,
		count(*) filter (where r.kind = 'nps' and r.score >= 9) as promoters,
		count(*) filter (where r.kind = 'nps' and r.score between 7 and 8) as passives,
		count(*) filter (where r.kind = 'nps' and r.score <= 6) as detractors`;
}

interface RawRow {
	key: string | number | null;
	label: string | null;
	sent: string | number;
	answered: string | number;
	satisfaction: string | number | null;
	sat_n: string | number;
	nps_n: string | number;
	promoters: string | number;
	passives: string | number;
	detractors: string | number;
}

function toRow(r: RawRow): ScoreRow {
	const sent = Number(r.sent);
	const answered = Number(r.answered);
	const responses = Number(r.nps_n);
	const promoters = Number(r.promoters);
	const detractors = Number(r.detractors);
	return {
		key: String(r.key ?? ''),
		label: r.label ?? '',
		sent,
		answered,
		responseRate: sent ? Math.round((100 * answered) / sent) : null,
		satisfaction: r.satisfaction == null ? null : Number(r.satisfaction),
		satisfactionResponses: Number(r.sat_n),
		responses,
		promoters,
		passives: Number(r.passives),
		detractors,
		nps: npsFromCounts(promoters, detractors, responses)
	};
}

/** By the tier the member held when asked, lowest first. */
export async function scoresByTier(db: Queryable): Promise<ScoreRow[]> {
	const rows = await db.execute(sql`
		select r.rank as key, coalesce(min(t.name), 'Rank ' || r.rank) as label, ${aggregates()}
		from feedback_requests r left join tiers t on t.rank = r.rank
		group by r.rank order by r.rank`);
	return rowsOf<RawRow>(rows).map(toRow);
}

/** By event (check-ins and presales about it), newest show first. */
export async function scoresByEvent(db: Queryable, eventId?: number): Promise<ScoreRow[]> {
	const only = eventId ? sql`and r.event_id = ${eventId}` : sql``;
	const rows = await db.execute(sql`
		select r.event_id as key, min(e.title) as label, ${aggregates()}
		from feedback_requests r join events e on e.id = r.event_id
		where r.event_id is not null ${only}
		group by r.event_id order by min(e.starts_at) desc limit 50`);
	return rowsOf<RawRow>(rows).map(toRow);
}

export async function scoresByDrop(db: Queryable): Promise<ScoreRow[]> {
	const rows = await db.execute(sql`
		select r.drop_id as key, min(d.title) as label, ${aggregates()}
		from feedback_requests r join drops d on d.id = r.drop_id
		where r.drop_id is not null
		group by r.drop_id order by max(r.sent_at) desc limit 50`);
	return rowsOf<RawRow>(rows).map(toRow);
}

/** By the house month the question was asked, oldest first. */
export async function scoresByMonth(db: Queryable, zone: string): Promise<ScoreRow[]> {
	const month = sql`to_char(r.sent_at at time zone ${zone}, 'YYYY-MM')`;
	const rows = await db.execute(sql`
		select r.key, r.key as label, ${aggregates()}
		from (select ${month} as key, r.* from feedback_requests r) as r
		group by r.key order by r.key limit 36`);
	return rowsOf<RawRow>(rows).map(toRow);
}

export interface ReasonRow {
	rank: number;
	tier: string;
	reason: string;
	count: number;
}

/** Why patrons left, by the tier they held. */
export async function cancellationReasons(db: Queryable): Promise<ReasonRow[]> {
	const rows = await db.execute(sql`
		select r.rank, coalesce(min(t.name), 'Rank ' || r.rank) as tier, r.reason, count(*) as count
		from feedback_requests r left join tiers t on t.rank = r.rank
		where r.kind = 'cancellation' and r.reason is not null
		group by r.rank, r.reason order by r.rank, count(*) desc`);
	return rowsOf<{ rank: number; tier: string; reason: string; count: string | number }>(rows).map((r) => ({
		rank: Number(r.rank),
		tier: r.tier,
		reason: r.reason,
		count: Number(r.count)
	}));
}

export interface CommentFilter {
	kind?: string | null;
	rank?: number | null;
	tag?: string | null;
	/** 'low' (1–2 of 5, or NPS 0–6) or 'high' (4–5, or 9–10). */
	mood?: 'low' | 'high' | null;
	eventId?: number | null;
}

export interface CommentRow {
	id: number;
	kind: string;
	subjectLabel: string;
	rank: number;
	tier: string;
	score: number | null;
	reason: string | null;
	comment: string;
	tags: string[];
	answeredAt: Date;
}

export async function listComments(
	db: Queryable,
	filter: CommentFilter,
	page = { limit: 50, offset: 0 }
): Promise<{ rows: CommentRow[]; total: number }> {
	const where: SQL[] = [sql`r.comment is not null`];
	if (filter.kind) where.push(sql`r.kind::text = ${filter.kind}`);
	if (filter.rank != null) where.push(sql`r.rank = ${filter.rank}`);
	if (filter.tag) where.push(sql`r.tags @> ${JSON.stringify([filter.tag])}::jsonb`);
	if (filter.eventId) where.push(sql`r.event_id = ${filter.eventId}`);
	if (filter.mood === 'low')
		where.push(sql`((r.kind = 'nps' and r.score <= 6) or (r.kind <> 'nps' and r.score <= 2))`);
	if (filter.mood === 'high')
		where.push(sql`((r.kind = 'nps' and r.score >= 9) or (r.kind <> 'nps' and r.score >= 4))`);
	const cond = sql.join(where, sql` and `);
	const [rows, [{ n }]] = await Promise.all([
		db.execute(sql`
			select r.id, r.kind, r.subject_label, r.rank, coalesce(t.name, 'Rank ' || r.rank) as tier, r.score,
				r.reason, r.comment, r.tags, r.answered_at
			from feedback_requests r left join tiers t on t.rank = r.rank
			where ${cond} order by r.answered_at desc nulls last, r.id desc
			limit ${page.limit} offset ${page.offset}`),
		db
			.execute(sql`select count(*) as n from feedback_requests r where ${cond}`)
			.then((x) => rowsOf<{ n: string | number }>(x))
	]);
	return {
		total: Number(n),
		rows: rowsOf<{
			id: number;
			kind: string;
			subject_label: string;
			rank: number;
			tier: string;
			score: number | null;
			reason: string | null;
			comment: string;
			tags: string[] | string;
			answered_at: string | Date;
		}>(rows).map((r) => ({
			id: Number(r.id),
			kind: r.kind,
			subjectLabel: r.subject_label,
			rank: Number(r.rank),
			tier: r.tier,
			score: r.score == null ? null : Number(r.score),
			reason: r.reason,
			comment: r.comment,
			tags: typeof r.tags === 'string' ? JSON.parse(r.tags) : r.tags,
			answeredAt: new Date(r.answered_at)
		}))
	};
}

/** Every tag in use, with how many answers carry it. */
export async function tagsInUse(db: Queryable): Promise<{ tag: string; count: number }[]> {
	const rows = await db.execute(sql`
		select t.tag, count(*) as count from feedback_requests r, jsonb_array_elements_text(r.tags) as t(tag)
		group by t.tag order by count(*) desc, t.tag limit 100`);
	return rowsOf<{ tag: string; count: string | number }>(rows).map((r) => ({
		tag: r.tag,
		count: Number(r.count)
	}));
}

export async function setTags(
	db: Database,
	requestId: number,
	input: string,
	staffId: string
): Promise<boolean> {
	const tags = normaliseTags(input);
	return db.transaction(async (tx) => {
		const [row] = await tx
			.update(feedbackRequests)
			.set({ tags })
			.where(eq(feedbackRequests.id, requestId))
			.returning({ id: feedbackRequests.id });
		if (!row) return false;
		await audit(tx, {
			actorId: staffId,
			action: 'feedback.tag',
			subjectType: 'feedback',
			subjectId: String(requestId),
			details: { tags }
		});
		return true;
	});
}

/** "You said, we did": a note in the inbox of every member whose answer carries the theme tag. */
export async function sendYouSaidWeDid(
	db: Database,
	input: { theme: string; body: string },
	staffId: string
): Promise<{ ok: true; recipients: number } | { ok: false; message: string }> {
	const [theme] = normaliseTags(input.theme);
	if (!theme) return { ok: false, message: 'Pick a theme (a tag on the answers).' };
	return db.transaction(async (tx) => {
		const members = await tx
			.selectDistinct({ memberId: feedbackRequests.memberId })
			.from(feedbackRequests)
			.where(
				and(
					sql`${feedbackRequests.tags} @> ${JSON.stringify([theme])}::jsonb`,
					sql`${feedbackRequests.answeredAt} is not null`
				)
			);
		if (members.length === 0) return { ok: false, message: `No answer is tagged “${theme}” yet.` };
		const [note] = await tx
			.insert(feedbackNotes)
			.values({ theme, body: input.body, recipients: members.length, createdBy: staffId })
			.returning();
		const items: NewInboxItem[] = members.map((m) => ({
			memberId: m.memberId,
			kind: FEEDBACK_NOTE_KIND,
			title: 'You said, we did',
			body: input.body,
			link: '/me',
			data: { feedbackNoteId: note.id, theme },
			dedupeKey: `feedback-note:${note.id}:${m.memberId}`
		}));
		for (let i = 0; i < items.length; i += 500) await notify(tx, items.slice(i, i + 500));
		await audit(tx, {
			actorId: staffId,
			action: 'feedback.note',
			subjectType: 'feedback_note',
			subjectId: String(note.id),
			details: { theme, recipients: members.length }
		});
		return { ok: true, recipients: members.length };
	});
}

export async function listNotes(db: Queryable) {
	return db.select().from(feedbackNotes).orderBy(desc(feedbackNotes.createdAt)).limit(20);
}
