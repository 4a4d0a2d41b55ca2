// The daily churn run and what staff read of it. Once a house day: fit the model on the house's
// own history (monthly snapshots, each labelled by what happened in the 30 days after), measure it
// on the latest fully-known month it did not see, then score every fan as of now with their top
// three reasons. Two instances may both fit; only the one whose model row lands writes scores.
import { desc, eq, sql, type SQL } from 'drizzle-orm';
import { calendarDay } from '$lib/time';
import { rowsOf, type Database, type Queryable } from '../db';
import { churnModels, churnScores, type ChurnModel } from '../db/schema';
import { houseTimeZone } from '../house';
import { log } from '../log';
import { featuresAt, HORIZON_DAYS, type MemberFeatures } from './features';
import { AT_RISK, auc, calibration, fit, flagged, score, type Model } from './model';
import { reasonText } from './reasons';

const DAY = 86_400_000;
/** Monthly snapshots the model learns from (besides the held-out one). */
const TRAINING_SNAPSHOTS = 5;
/** Training rows kept at most (an even sample): the fit stays a few seconds at 100,000 members. */
const MAX_TRAINING_ROWS = 40_000;
const WRITE_CHUNK = 500;

function sample<T>(rows: readonly T[], max: number): T[] {
	if (rows.length <= max) return [...rows];
	const step = rows.length / max;
	return Array.from({ length: max }, (_, i) => rows[Math.floor(i * step)]);
}

export interface FitReport {
	model: Model;
	trainingRows: number;
	trainingLeavers: number;
	heldOut: { rows: number; auc: number | null; calibration: ReturnType<typeof calibration> } & ReturnType<
		typeof flagged
	>;
}

/** Fits on snapshots 2..N months back and measures on the one 1 month back (its 30 days are over). */
export async function fitFromHistory(db: Queryable, now: Date): Promise<FitReport> {
	const snapshot = (k: number) => new Date(now.getTime() - (HORIZON_DAYS + k * HORIZON_DAYS) * DAY);
	const training: MemberFeatures[] = [];
	for (let k = 1; k <= TRAINING_SNAPSHOTS; k++)
		training.push(...(await featuresAt(db, snapshot(k), { withLabel: true })));
	const heldOut = await featuresAt(db, snapshot(0), { withLabel: true });
	const kept = sample(training, MAX_TRAINING_ROWS);
	const model =
		kept.length > 0
			? fit(
					kept.map((r) => r.features),
					kept.map((r) => !!r.left)
				)
			: fit(
					heldOut.map((r) => r.features),
					[],
					{ steps: 0 }
				);
	if (kept.length === 0) model.prior = true;
	const scores = heldOut.map((r) => score(model, r.features).score);
	const labels = heldOut.map((r) => !!r.left);
	return {
		model,
		trainingRows: kept.length,
		trainingLeavers: kept.filter((r) => r.left).length,
		heldOut: {
			rows: heldOut.length,
			auc: auc(scores, labels),
			calibration: calibration(scores, labels),
			...flagged(scores, labels)
		}
	};
}

/** Today's fit and scores, once per house day; returns the model id when this call did the work. */
export async function runChurnDueWork(db: Database, now: Date, options: { force?: boolean } = {}) {
	const day = calendarDay(now, houseTimeZone());
	if (!options.force) {
		const [done] = await db.select({ id: churnModels.id }).from(churnModels).where(eq(churnModels.day, day));
		if (done) return null;
	}
	const started = Date.now();
	const report = await fitFromHistory(db, now);
	const values = {
		fittedAt: now,
		day,
		weights: report.model.weights,
		scaling: report.model.scaling,
		prior: report.model.prior,
		trainingRows: report.trainingRows,
		trainingLeavers: report.trainingLeavers,
		auc: report.heldOut.auc,
		calibration: report.heldOut.calibration,
		leavers: report.heldOut.leavers,
		leaversFlagged: report.heldOut.flagged
	};
	// The claim: the first model row of the day wins; another instance's fit is dropped.
	const [claimed] = options.force
		? await db
				.insert(churnModels)
				.values(values)
				.onConflictDoUpdate({ target: churnModels.day, set: values })
				.returning({ id: churnModels.id })
		: await db.insert(churnModels).values(values).onConflictDoNothing().returning({ id: churnModels.id });
	if (!claimed) return null;
	const scored = await scoreMembers(db, report.model, claimed.id, now);
	log.info('churn.scored', { day, members: scored, ms: Date.now() - started, auc: report.heldOut.auc });
	return claimed.id;
}

async function scoreMembers(db: Database, model: Model, modelId: number, now: Date): Promise<number> {
	const rows = await featuresAt(db, now);
	for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
		const chunk = rows.slice(i, i + WRITE_CHUNK).map((r) => {
			const s = score(model, r.features);
			return { memberId: r.memberId, score: s.score, reasons: s.reasons, modelId, scoredAt: now };
		});
		await db
			.insert(churnScores)
			.values(chunk)
			.onConflictDoUpdate({
				target: churnScores.memberId,
				set: {
					score: sql`excluded.score`,
					reasons: sql`excluded.reasons`,
					modelId: sql`excluded.model_id`,
					scoredAt: sql`excluded.scored_at`
				}
			});
	}
	// Members no longer scored (now staff, or erased) keep no stale risk.
	await db.execute(sql`delete from churn_scores where scored_at < ${now.toISOString()}::timestamptz`);
	return rows.length;
}

/**
 * Member ids at or above `threshold` risk, as a subquery: `u.id in (${atRiskMemberIds(0.4)})`.
 * The segments engine and the members directory both use it.
 */
export function atRiskMemberIds(threshold = AT_RISK): SQL {
	return sql`select cs.member_id from churn_scores cs where cs.score >= ${threshold}`;
}

export interface MemberRisk {
	score: number;
	scoredAt: Date;
	reasons: { feature: string; text: string; contribution: number }[];
}

export async function memberRisk(db: Queryable, memberId: string): Promise<MemberRisk | null> {
	const [row] = await db.select().from(churnScores).where(eq(churnScores.memberId, memberId));
	if (!row) return null;
	return {
		score: row.score,
		scoredAt: row.scoredAt,
		reasons: row.reasons.map((r) => ({
			feature: r.feature,
			text: reasonText(r.feature, r.value),
			contribution: r.contribution
		}))
	};
}

export interface AtRiskPatron {
	memberId: string;
	displayName: string;
	score: number;
	reason: string | null;
	/** Their subscriptions' monthly value, minor units, and its currency. */
	mrrMinor: number;
	currency: string;
}

/** Patrons (an active subscription) most at risk, with what they bring each month. */
export async function patronsAtRisk(db: Queryable, limit = 5): Promise<AtRiskPatron[]> {
	const rows = rowsOf<{
		member_id: string;
		display_name: string;
		score: number;
		reasons: { feature: string; value: number }[];
		mrr: number | string;
		currency: string;
	}>(
		await db.execute(sql`
			select cs.member_id, u.display_name, cs.score, cs.reasons, p.mrr, p.currency
			from churn_scores cs
			join users u on u.id = cs.member_id
			join lateral (
				select sum(ps.mrr_minor) as mrr, min(ps.currency) as currency from patron_subscriptions ps
				where ps.member_id = cs.member_id and ps.ended_at is null and ps.mrr_minor > 0
			) p on p.mrr is not null
			where cs.score >= ${AT_RISK}
			order by cs.score desc, cs.member_id
			limit ${limit}`)
	);
	return rows.map((r) => ({
		memberId: r.member_id,
		displayName: r.display_name,
		score: Number(r.score),
		reason: r.reasons[0] ? reasonText(r.reasons[0].feature, r.reasons[0].value) : null,
		mrrMinor: Number(r.mrr),
		currency: r.currency
	}));
}

/** The latest fitted model: the insights panel's figures. */
export async function latestChurnModel(db: Queryable): Promise<ChurnModel | null> {
	const [row] = await db.select().from(churnModels).orderBy(desc(churnModels.fittedAt)).limit(1);
	return row ?? null;
}

/** How many members are at or above the at-risk line, and how many were scored. */
export async function riskCounts(db: Queryable): Promise<{ atRisk: number; scored: number }> {
	const [row] = rowsOf<{ at_risk: number | string; scored: number | string }>(
		await db.execute(
			sql`select count(*) filter (where score >= ${AT_RISK}) as at_risk, count(*) as scored from churn_scores`
		)
	);
	return { atRisk: Number(row?.at_risk ?? 0), scored: Number(row?.scored ?? 0) };
}
