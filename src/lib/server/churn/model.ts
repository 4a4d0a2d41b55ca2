// Churn risk as a transparent logistic model. Pure: feature rows in, weights, scores, reasons and
// accuracy figures out. Weights act on standardised features, so each one reads as "how much one
// typical spread of this feature moves the log-odds", and a member's reasons are the features
// whose value pushed their score up the most.
//
// The fit is plain gradient descent on the log-loss with an L2 pull towards prior weights (the
// house's own history is short at first: with few leavers the prior dominates; with many, the
// data). ml-logistic-regression was considered: it has no prior or regularisation, and pulls in
// ml-matrix for what is forty lines here.

export const FEATURES = [
	'daysSinceActive',
	'active30d',
	'trend',
	'paymentTrouble',
	'cancelScheduled',
	'daysToLapse',
	'tenureDays',
	'presales180d',
	'checkins180d'
] as const;

export type Feature = (typeof FEATURES)[number];
export type FeatureRow = Record<Feature, number>;

/** Each feature's pull before any history: what a retention team would guess. Standardised units. */
export const PRIOR_WEIGHTS: Record<Feature | 'intercept', number> = {
	intercept: -2.2,
	daysSinceActive: 0.9,
	active30d: -0.6,
	trend: -0.5,
	paymentTrouble: 0.6,
	cancelScheduled: 0.8,
	daysToLapse: -0.4,
	tenureDays: -0.2,
	presales180d: -0.2,
	checkins180d: -0.3
};

export interface Model {
	weights: Record<string, number>;
	scaling: Record<string, [number, number]>;
	prior: boolean;
}

/** Leavers below which the model is called "prior-led" (the panel says so). */
export const PRIOR_LEAVERS = 30;

export function scalingOf(rows: readonly FeatureRow[]): Record<Feature, [number, number]> {
	const out = {} as Record<Feature, [number, number]>;
	for (const f of FEATURES) {
		const n = rows.length || 1;
		const mean = rows.reduce((s, r) => s + r[f], 0) / n;
		const variance = rows.reduce((s, r) => s + (r[f] - mean) ** 2, 0) / n;
		out[f] = [mean, Math.sqrt(variance) || 1];
	}
	return out;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function standardise(row: FeatureRow, scaling: Model['scaling']): number[] {
	return FEATURES.map((f) => {
		const [mean, sd] = scaling[f] ?? [0, 1];
		return (row[f] - mean) / (sd || 1);
	});
}

/**
 * Fits the weights. `strength`: how many rows' worth of evidence the prior counts for (the L2
 * pull is strength / n), so a short history stays near the prior and a long one follows the data.
 */
export function fit(
	rows: readonly FeatureRow[],
	labels: readonly boolean[],
	options: { strength?: number; steps?: number; rate?: number } = {}
): Model {
	const { strength = 200, steps = 400, rate = 0.5 } = options;
	const scaling = scalingOf(rows);
	const x = rows.map((r) => standardise(r, scaling));
	const y = labels.map((l) => (l ? 1 : 0));
	const n = rows.length;
	const prior = [PRIOR_WEIGHTS.intercept, ...FEATURES.map((f) => PRIOR_WEIGHTS[f])];
	const w = [...prior];
	const leavers = y.reduce<number>((s, v) => s + v, 0);
	if (n > 0) {
		// The base rate moves the intercept's prior: a house where 2 % leave is not one where 20 % do.
		const rate0 = (leavers + 1) / (n + 2);
		prior[0] = Math.log(rate0 / (1 - rate0));
		w[0] = prior[0];
		const lambda = strength / n;
		const grad = new Array<number>(w.length);
		for (let step = 0; step < steps; step++) {
			grad.fill(0);
			for (let i = 0; i < n; i++) {
				const xi = x[i];
				let z = w[0];
				for (let j = 0; j < xi.length; j++) z += w[j + 1] * xi[j];
				const err = sigmoid(z) - y[i];
				grad[0] += err;
				for (let j = 0; j < xi.length; j++) grad[j + 1] += err * xi[j];
			}
			for (let j = 0; j < w.length; j++) {
				const pull = j === 0 ? 0 : lambda * (w[j] - prior[j]);
				w[j] -= rate * (grad[j] / n + pull);
			}
		}
	}
	const weights: Record<string, number> = { intercept: w[0] };
	FEATURES.forEach((f, j) => (weights[f] = w[j + 1]));
	return { weights, scaling, prior: leavers < PRIOR_LEAVERS };
}

export interface Scored {
	score: number;
	/** The three features that pushed the score up most (positive pulls only), largest first. */
	reasons: { feature: Feature; value: number; contribution: number }[];
}

export function score(model: Model, row: FeatureRow): Scored {
	const z = standardise(row, model.scaling);
	let logit = model.weights.intercept ?? 0;
	const pulls = FEATURES.map((f, j) => {
		const contribution = (model.weights[f] ?? 0) * z[j];
		logit += contribution;
		return { feature: f, value: row[f], contribution: Math.round(contribution * 1000) / 1000 };
	});
	const reasons = pulls
		.filter((p) => p.contribution > 0)
		.sort((a, b) => b.contribution - a.contribution)
		.slice(0, 3);
	return { score: sigmoid(logit), reasons };
}

/** Area under the ROC curve (the chance a random leaver outscores a random stayer); null without both. */
export function auc(scores: readonly number[], labels: readonly boolean[]): number | null {
	const pairs = scores.map((s, i) => [s, labels[i]] as const).sort((a, b) => a[0] - b[0]);
	const positives = labels.filter(Boolean).length;
	const negatives = labels.length - positives;
	if (positives === 0 || negatives === 0) return null;
	// Mann–Whitney U with average ranks for ties.
	let rankSum = 0;
	for (let i = 0; i < pairs.length;) {
		let j = i;
		while (j + 1 < pairs.length && pairs[j + 1][0] === pairs[i][0]) j++;
		const rank = (i + j) / 2 + 1;
		for (let k = i; k <= j; k++) if (pairs[k][1]) rankSum += rank;
		i = j + 1;
	}
	return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface Decile {
	decile: number;
	members: number;
	predicted: number;
	actual: number;
}

/** Members split into ten equal groups by score, highest risk first (decile 1): mean score vs share who left. */
export function calibration(scores: readonly number[], labels: readonly boolean[]): Decile[] {
	const order = scores.map((s, i) => i).sort((a, b) => scores[b] - scores[a]);
	const out: Decile[] = [];
	for (let d = 0; d < 10; d++) {
		const slice = order.slice(Math.floor((d * order.length) / 10), Math.floor(((d + 1) * order.length) / 10));
		if (slice.length === 0) continue;
		out.push({
			decile: d + 1,
			members: slice.length,
			predicted: slice.reduce((s, i) => s + scores[i], 0) / slice.length,
			actual: slice.filter((i) => labels[i]).length / slice.length
		});
	}
	return out;
}

/** The score at or above which a member is "at risk" by default (the segment condition's default too). */
export const AT_RISK = 0.3;

/** Of those who left, how many scored at or above the threshold beforehand. */
export function flagged(
	scores: readonly number[],
	labels: readonly boolean[],
	threshold = AT_RISK
): { leavers: number; flagged: number } {
	let leavers = 0;
	let hit = 0;
	scores.forEach((s, i) => {
		if (!labels[i]) return;
		leavers++;
		if (s >= threshold) hit++;
	});
	return { leavers, flagged: hit };
}
