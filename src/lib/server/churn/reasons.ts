// A churn reason in staff's words: "No activity for 45 days", "2 payment problems in 90 days".
// Pure: the stored feature and its value in, a short sentence out.
import type { Feature } from './model';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function reasonText(feature: string, value: number): string {
	const v = Math.round(value);
	switch (feature as Feature) {
		case 'daysSinceActive':
			return v >= 180 ? 'No activity in six months or more' : `No activity for ${plural(v, 'day')}`;
		case 'active30d':
			return v === 0 ? 'Nothing in the last 30 days' : `Only ${plural(v, 'engagement')} in the last 30 days`;
		case 'trend': {
			// log((last 30 + 1) / (30 before + 1)): -0.69 is about half.
			const drop = Math.round((1 - Math.exp(value)) * 100);
			return drop > 0
				? `Engagement down ${drop} % on the month before`
				: 'Engagement flat on the month before';
		}
		case 'paymentTrouble':
			return `${plural(v, 'payment problem')} in 90 days`;
		case 'cancelScheduled':
			return 'Scheduled their patronage to cancel';
		case 'daysToLapse':
			return v <= 0 ? 'Tier lapses today' : `Tier lapses in ${plural(v, 'day')}`;
		case 'tenureDays':
			return v < 60
				? `New: member for ${plural(v, 'day')}`
				: `Member for ${plural(Math.round(v / 30), 'month')}`;
		case 'presales180d':
			return v === 0 ? 'No presale in six months' : `Only ${plural(v, 'presale')} in six months`;
		case 'checkins180d':
			return v === 0 ? 'No show in six months' : `Only ${plural(v, 'show')} in six months`;
		default:
			return feature;
	}
}

/** "High" from 0.5, "Elevated" from the at-risk line, else "Low". */
export function riskBand(score: number, atRisk: number): 'high' | 'elevated' | 'low' {
	if (score >= Math.max(0.5, atRisk)) return 'high';
	if (score >= atRisk) return 'elevated';
	return 'low';
}
