// The default ladder from DESIGN.md; staff can edit names, thresholds and prices later.
import type { tiers } from '../db/schema';

type NewTier = typeof tiers.$inferInsert;

export const DEFAULT_LADDER: NewTier[] = [
	{
		rank: 0,
		slug: 'listener',
		name: 'Listener',
		colour: '#64748b',
		pointsThreshold: 0,
		benefits: ['Member card and points from day one', 'Public drops and news', 'Vote in open polls']
	},
	{
		rank: 1,
		slug: 'fan',
		name: 'Fan',
		colour: '#0f9488',
		pointsThreshold: 200,
		benefits: ['Fan-only drops', 'Presale windows before the public', 'Suggest ideas for new work']
	},
	{
		rank: 2,
		slug: 'insider',
		name: 'Insider',
		colour: '#2563eb',
		pointsThreshold: 1000,
		monthlyPriceMinor: 500,
		yearlyPriceMinor: 5000,
		paidName: 'Supporter',
		benefits: ['Behind-the-scenes drops', 'Earlier presale windows', 'Insider polls on setlists and merch']
	},
	{
		rank: 3,
		slug: 'patron',
		name: 'Patron',
		colour: '#9333ea',
		pointsThreshold: null,
		monthlyPriceMinor: 1500,
		yearlyPriceMinor: 15000,
		benefits: [
			'Everything Insiders get',
			'Drops two days early',
			'Patron presale with reserved seats',
			'Your name in the liner notes'
		]
	},
	{
		rank: 4,
		slug: 'inner-circle',
		name: 'Inner Circle',
		colour: '#b45309',
		pointsThreshold: 5000,
		monthlyPriceMinor: 5000,
		yearlyPriceMinor: 50000,
		benefits: [
			'Every drop the moment it is ready',
			'First presale window and best seats',
			'Invitations to the advisory board',
			'Soundcheck and rehearsal visits'
		]
	}
];
