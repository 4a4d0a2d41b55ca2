// Every insight as a plain table: the page's table views and the CSV downloads read the same
// columns and rows, so what staff see and what they download never differ.
import { calendarDay } from '$lib/time';
import type { Insights } from '$lib/server/insights';
import type { MetricId } from '$lib/server/insights';

export type CellType = 'text' | 'int' | 'share' | 'money' | 'day' | 'months' | 'ratio';
export type Cell = string | number | null;

export interface Table {
	columns: { label: string; type: CellType }[];
	rows: Cell[][];
}

const KIND_LABELS: Record<string, string> = {
	daily_visit: 'Daily visit',
	drop_opened: 'Drop opened',
	poll_vote: 'Poll vote',
	idea_submitted: 'Idea submitted',
	presale_claim: 'Presale claim',
	venue_checkin: 'Venue check-in',
	referral: 'Referral',
	patronage: 'Patronage'
};
export const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');

export function insightTables(data: Insights): Record<MetricId, Table> {
	const tierName = (rank: number) => data.tiers.find((t) => t.rank === rank)?.name ?? `Rank ${rank}`;
	const tierCols = data.tiers.map((t) => ({ label: t.name, type: 'int' as const }));
	const maxOffset = Math.max(0, ...data.cohorts.map((c) => c.retained.length - 1));
	return {
		members: {
			columns: [{ label: 'Day', type: 'day' }, ...tierCols, { label: 'All members', type: 'int' }],
			rows: data.members.map((d) => {
				const counts = data.tiers.map((t) => d.counts[t.rank] ?? 0);
				return [d.day, ...counts, counts.reduce((s, n) => s + n, 0)];
			})
		},
		funnel: {
			columns: [
				{ label: 'Tier', type: 'text' },
				{ label: 'Members at the tier', type: 'int' },
				{ label: 'At the tier or above', type: 'int' },
				{ label: 'Share of all members', type: 'share' }
			],
			rows: data.funnel.map((f) => [tierName(f.rank), f.members, f.atOrAbove, f.share])
		},
		'engagement-rate': {
			columns: [
				{ label: 'Tier', type: 'text' },
				{ label: 'Members', type: 'int' },
				{ label: 'Engaged in 30 days', type: 'int' },
				{ label: 'Engagement rate', type: 'share' }
			],
			rows: data.engagementRate.map((r) => [tierName(r.rank), r.members, r.engaged, r.rate])
		},
		'engagement-kinds': {
			columns: [{ label: 'Kind', type: 'text' }, ...tierCols, { label: 'All tiers', type: 'int' }],
			rows: data.engagementKinds.map((k) => [
				kindLabel(k.kind),
				...data.tiers.map((t) => k.byRank[t.rank] ?? 0),
				k.total
			])
		},
		conversion: {
			columns: [
				{ label: 'From tier', type: 'text' },
				{ label: 'Members at the start', type: 'int' },
				{ label: 'Moved up by points', type: 'int' },
				{ label: 'Moved up by paying', type: 'int' },
				{ label: 'Moved up otherwise', type: 'int' },
				{ label: 'Conversion', type: 'share' },
				{ label: 'By points', type: 'share' },
				{ label: 'By paying', type: 'share' }
			],
			rows: data.conversion.map((c) => [
				tierName(c.fromRank),
				c.cohort,
				c.earned,
				c.paid,
				c.other,
				c.rate,
				c.earnedRate,
				c.paidRate
			])
		},
		churn: {
			columns: [
				{ label: 'Tier', type: 'text' },
				{ label: 'Members at the start', type: 'int' },
				{ label: 'Left the tier', type: 'int' },
				{ label: 'Churn in the period', type: 'share' },
				{ label: 'Monthly churn', type: 'share' }
			],
			rows: data.churn.map((c) => [tierName(c.rank), c.cohort, c.left, c.rate, c.monthly])
		},
		cohorts: {
			columns: [
				{ label: 'Tier', type: 'text' },
				{ label: 'Entered in', type: 'text' },
				{ label: 'Members', type: 'int' },
				...Array.from({ length: maxOffset + 1 }, (_, n) => ({ label: `Month ${n}`, type: 'share' as const }))
			],
			rows: data.cohorts.map((c) => [
				tierName(c.rank),
				c.cohort,
				c.entered,
				...Array.from({ length: maxOffset + 1 }, (_, n) => c.retained[n] ?? null)
			])
		},
		mrr: {
			columns: [
				{ label: 'Day', type: 'day' },
				{ label: 'MRR', type: 'money' }
			],
			rows: data.mrr.series.map((d) => [d.day, d.mrr])
		},
		'mrr-movement': {
			columns: [
				{ label: 'Movement', type: 'text' },
				{ label: 'Amount', type: 'money' }
			],
			rows: [
				['Opening MRR', data.mrr.opening],
				['New', data.mrr.movement.new],
				['Expansion', data.mrr.movement.expansion],
				['Contraction', -data.mrr.movement.contraction],
				['Churn', -data.mrr.movement.churn],
				['Closing MRR', data.mrr.closing]
			]
		},
		ltv: {
			columns: [
				{ label: 'Tier', type: 'text' },
				{ label: 'Revenue to date', type: 'money' },
				{ label: 'Members who paid', type: 'int' },
				{ label: 'LTV to date', type: 'money' },
				{ label: 'Paying now', type: 'int' },
				{ label: 'Monthly revenue per member', type: 'money' },
				{ label: 'Monthly churn', type: 'share' },
				{ label: 'Expected lifetime', type: 'months' },
				{ label: 'Projected LTV', type: 'money' }
			],
			rows: data.ltv.map((l) => [
				tierName(l.rank),
				l.revenueMinor,
				l.payers,
				l.toDateMinor,
				l.paying,
				l.arpuMinor,
				l.monthlyChurn,
				l.lifetimeMonths,
				l.projectedMinor
			])
		},
		drops: {
			columns: [
				{ label: 'Tier', type: 'text' },
				{ label: 'Drop opens', type: 'int' },
				{ label: 'Opens per member', type: 'ratio' }
			],
			rows: data.drops.byRank.map((d) => [tierName(d.rank), d.opens, d.perMember])
		},
		presales: {
			columns: [
				{ label: 'Event', type: 'text' },
				{ label: 'From tier', type: 'text' },
				{ label: 'Opened', type: 'day' },
				{ label: 'Eligible', type: 'int' },
				{ label: 'Claimed', type: 'int' },
				{ label: 'Checked in', type: 'int' }
			],
			rows: data.presales.map((w) => [
				w.event,
				tierName(w.minRank),
				calendarDay(w.opensAt, data.timeZone),
				w.eligible,
				w.claimed,
				w.checkedIn
			])
		},
		polls: {
			columns: [
				{ label: 'Poll', type: 'text' },
				{ label: 'Opened', type: 'day' },
				{ label: 'Eligible', type: 'int' },
				{ label: 'Ballots', type: 'int' },
				{ label: 'Participation', type: 'share' }
			],
			rows: data.polls.map((p) => [
				p.question,
				calendarDay(p.opensAt, data.timeZone),
				p.eligible,
				p.ballots,
				p.rate
			])
		}
	};
}
