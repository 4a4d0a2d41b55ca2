// What a member can be notified about, and by default how. Pure: the preferences page, the
// delivery planner and the moments editor all read this one catalogue.

export type Channel = 'email' | 'push';
export const CHANNELS: readonly Channel[] = ['email', 'push'];

export interface NotificationKind {
	kind: string;
	/** For the preferences page: what this is, in the fan's words. */
	label: string;
	description: string;
	defaults: Record<Channel, boolean>;
	/**
	 * Promotional rather than about the member's own account: by email only with marketing
	 * consent, whatever the preference says.
	 */
	marketing: boolean;
	/** Other inbox kinds that follow this one's settings (a feature's finer-grained kinds). */
	includes?: readonly string[];
}

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
	{
		kind: 'welcome',
		label: 'Welcome',
		description: 'A hello when you join.',
		defaults: { email: false, push: false },
		marketing: false
	},
	{
		kind: 'tier_up',
		label: 'New tier',
		description: 'When you reach a new tier, and what it unlocks.',
		defaults: { email: true, push: true },
		marketing: false,
		includes: ['comp_granted']
	},
	{
		kind: 'tier_lapse_warning',
		label: 'Tier about to lapse',
		description: 'A month and a week before your tier would lapse, with what keeps it.',
		defaults: { email: true, push: true },
		marketing: false
	},
	{
		kind: 'anniversary',
		label: 'Membership anniversary',
		description: 'Each year on the day you joined.',
		defaults: { email: true, push: true },
		marketing: false
	},
	{
		kind: 'birthday',
		label: 'Birthday',
		description: 'A birthday bonus, if you tell us the day.',
		defaults: { email: true, push: true },
		marketing: false
	},
	{
		kind: 'first_vote',
		label: 'First vote counted',
		description: 'When your first vote in a poll is counted.',
		defaults: { email: false, push: true },
		marketing: false
	},
	{
		kind: 'drop_published',
		label: 'New drops',
		description: 'When new exclusive content opens for you.',
		defaults: { email: false, push: true },
		marketing: true,
		includes: ['drop']
	},
	{
		kind: 'presale_opening',
		label: 'Presales',
		description: 'When a presale opens for your tier.',
		defaults: { email: true, push: true },
		marketing: true,
		includes: ['presale_open']
	},
	{
		kind: 'presale_results',
		label: 'Your presale tickets',
		description: 'Draw results, seats offered to you from the waitlist, and claim deadlines.',
		defaults: { email: true, push: true },
		marketing: false,
		includes: ['presale_draw_won', 'presale_draw_waitlist', 'presale_offer', 'presale_offer_expired']
	},
	{
		kind: 'poll_closing',
		label: 'Polls closing soon',
		description: 'A reminder before a poll you can vote in closes.',
		defaults: { email: false, push: true },
		marketing: true
	},
	{
		kind: 'poll_outcome',
		label: 'Poll outcomes',
		description: 'What happened with a poll you voted in.',
		defaults: { email: true, push: true },
		marketing: false
	},
	{
		kind: 'idea_status',
		label: 'Your ideas',
		description: 'When an idea you suggested moves on.',
		defaults: { email: false, push: true },
		marketing: false
	},
	{
		kind: 'feedback_request',
		label: 'Quick questions',
		description:
			'Now and then, one tap on how a show, a presale or your membership went. Turn off both email and push and we will not ask at all.',
		defaults: { email: true, push: true },
		marketing: false
	},
	{
		kind: 'feedback_note',
		label: 'You said, we did',
		description: 'What we changed after feedback you gave.',
		defaults: { email: false, push: true },
		marketing: false
	},
	{
		kind: 'board_invitation',
		label: 'Advisory board',
		description: 'Invitations to the advisory board, its updates and sessions.',
		defaults: { email: true, push: true },
		marketing: false,
		includes: ['board_update', 'board_session']
	}
];

const BY_KIND = new Map(
	NOTIFICATION_KINDS.flatMap((k) => [[k.kind, k] as const, ...(k.includes ?? []).map((i) => [i, k] as const)])
);

/** Kinds outside the catalogue (a feature's own): in the app and on devices, not by email. */
const FALLBACK: Omit<NotificationKind, 'kind'> = {
	label: 'Other updates',
	description: 'Everything else.',
	defaults: { email: false, push: true },
	marketing: false
};

/** The settings a notification kind follows: its own, its group's, or the fallback. */
export function kindInfo(kind: string): NotificationKind {
	return BY_KIND.get(kind) ?? { kind, ...FALLBACK };
}

export const preferenceKey = (kind: string, channel: Channel) => `${kind}:${channel}`;

export interface Recipient {
	emailVerified: boolean;
	consentMarketing: boolean;
	hasPushDevice: boolean;
	/** The member's explicit choices, by `preferenceKey`. */
	choices: ReadonlyMap<string, boolean>;
}

/** Whether the member wants this kind on this channel (their choice, else the default). */
export function wants(recipient: Pick<Recipient, 'choices'>, kind: string, channel: Channel): boolean {
	const info = kindInfo(kind);
	return recipient.choices.get(preferenceKey(info.kind, channel)) ?? info.defaults[channel];
}

/** The channels a notification goes out on besides the inbox. */
export function channelsFor(recipient: Recipient, kind: string): Channel[] {
	const info = kindInfo(kind);
	const channels: Channel[] = [];
	if (
		recipient.emailVerified &&
		(!info.marketing || recipient.consentMarketing) &&
		wants(recipient, kind, 'email')
	)
		channels.push('email');
	if (recipient.hasPushDevice && wants(recipient, kind, 'push')) channels.push('push');
	return channels;
}

/** Retry schedule for a failed delivery: 1, 5, 25, 125 minutes, then give up. */
export const MAX_ATTEMPTS = 5;
export function retryDelayMs(attempts: number): number {
	return 60_000 * 5 ** Math.max(0, attempts - 1);
}
