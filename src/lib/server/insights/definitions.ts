// Each insight's definition, in one place: the page shows the words next to the number, and the
// formulas in metrics.ts and the queries in queries.ts compute exactly this.
export const METRICS = [
	'members',
	'funnel',
	'engagement-rate',
	'engagement-kinds',
	'conversion',
	'churn',
	'cohorts',
	'mrr',
	'mrr-movement',
	'ltv',
	'drops',
	'presales',
	'polls'
] as const;
export type MetricId = (typeof METRICS)[number];

export const DEFINITIONS: Record<MetricId, { title: string; definition: string }> = {
	members: {
		title: 'Members per tier',
		definition:
			'Fans signed up by the end of each day, by the tier they held at the end of it (from the tier history). Staff and deleted accounts are left out.'
	},
	funnel: {
		title: 'Tier funnel',
		definition: 'Members at each tier or above on the last day of the period, as a share of all members.'
	},
	'engagement-rate': {
		title: 'Engagement rate by tier',
		definition:
			'Share of a tier’s members with at least one engagement in the 30 days ending on the last day of the period. Staff adjustments and birthday points are not engagement.'
	},
	'engagement-kinds': {
		title: 'Engagement by kind',
		definition:
			'Ledger entries within the period by kind, split by the tier the member held that day (capped entries count: the member still did it).'
	},
	conversion: {
		title: 'Conversion between tiers',
		definition:
			'Of the members at tier k at the start of the period (new sign-ups start at Listener), the share who moved above k within the period, split by the route of that first move up: earned by points or paid.'
	},
	churn: {
		title: 'Churn by tier',
		definition:
			'Of the members at tier k at the start of the period, the share who fell below it within the period (cancelled, payment lapsed, points expired or downgraded). Monthly: the rate per month that compounds to it.'
	},
	cohorts: {
		title: 'Monthly cohorts',
		definition:
			'Members who moved up into a tier in each month of the period, and the share still at that tier or above at the end of each month after (month 0 is the month they entered).'
	},
	mrr: {
		title: 'Monthly recurring revenue',
		definition:
			'Sum of active subscriptions’ monthly price at the end of each day: yearly plans ÷ 12, trials and complimentary tiers at 0; from the subscription events.'
	},
	'mrr-movement': {
		title: 'MRR movement',
		definition:
			'Changes of recurring revenue within the period: new (from 0), expansion (up), contraction (down, not to 0) and churn (to 0). Opening + new + expansion − contraction − churn = closing.'
	},
	ltv: {
		title: 'Lifetime value by tier',
		definition:
			'To date: money received for the tier up to the end of the period (refunds subtracted) ÷ members who paid for it. Projected: average monthly revenue per paying member × expected lifetime, 1 ÷ monthly paid churn (subscriptions at the tier that ended within the period).'
	},
	drops: {
		title: 'Drop engagement',
		definition:
			'Drop opens within the period by the opener’s tier that day, and per member of the tier at the end of the period; the most opened drops.'
	},
	presales: {
		title: 'Presale conversion',
		definition:
			'Presale windows opening within the period: members eligible by tier on the opening day → members holding claimed seats → members checked in.'
	},
	polls: {
		title: 'Poll participation',
		definition:
			'Polls opening within the period: ballots cast ÷ members of the eligible tiers on the opening day.'
	}
};
