// How staff pages name a subscription change (subscription_events.kind), in one place.
const CHANGE_LABELS: Record<string, string> = {
	started: 'Started',
	upgraded: 'Upgraded',
	downgraded: 'Downgraded',
	plan_changed: 'Plan changed',
	cancel_scheduled: 'Cancels at period end',
	cancel_withdrawn: 'Resumed',
	past_due: 'Payment failed',
	recovered: 'Payment recovered',
	ended: 'Ended',
	comp_granted: 'Comp granted'
};

export const subscriptionChangeLabel = (kind: string) => CHANGE_LABELS[kind] ?? kind;
