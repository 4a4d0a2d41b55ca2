// The moments Encore celebrates or warns about, their built-in wording and the placeholders staff
// may use when they reword them at /staff/moments. Pure.

export interface MomentDefinition {
	kind: string;
	label: string;
	/** When it fires, for staff. */
	when: string;
	placeholders: readonly string[];
	title: string;
	body: string;
}

export const MOMENTS: readonly MomentDefinition[] = [
	{
		kind: 'welcome',
		label: 'Welcome',
		when: 'Right after a fan creates an account.',
		placeholders: ['name', 'house'],
		title: 'Welcome to {house}, {name}!',
		body: 'Every visit, vote and show now earns you points toward your next tier. Your member card is in the app.'
	},
	{
		kind: 'tier_up',
		label: 'Tier up',
		when: 'When a fan reaches a higher tier, by points or by paying.',
		placeholders: ['name', 'tier', 'unlocked'],
		title: 'You reached {tier}!',
		body: 'Now unlocked: {unlocked}.'
	},
	{
		kind: 'tier_lapse_warning',
		label: 'Tier about to lapse',
		when: '30 and 7 days before an earned tier would lapse.',
		placeholders: ['name', 'tier', 'date', 'points'],
		title: 'Keep your {tier} tier',
		body: 'Your {tier} tier lapses on {date}. Earn {points} more points by then to keep it for another year.'
	},
	{
		kind: 'anniversary',
		label: 'Membership anniversary',
		when: 'Each year on the day the fan joined.',
		placeholders: ['name', 'years', 'house'],
		title: '{years} with {house}!',
		body: 'Thank you for being a member, {name}. Here is to the next one.'
	},
	{
		kind: 'birthday',
		label: 'Birthday',
		when: 'On the fan’s birthday, if they told us the day; with the birthday bonus.',
		placeholders: ['name', 'points'],
		title: 'Happy birthday, {name}!',
		body: 'We added {points} bonus points to your card. Have a wonderful day.'
	},
	{
		kind: 'poll_closing',
		label: 'Poll closing soon',
		when: 'A day before a poll closes, to eligible fans who have not voted.',
		placeholders: ['name', 'poll', 'time'],
		title: 'Last call: “{poll}”',
		body: 'Voting closes {time}. Your vote shapes what comes next.'
	},
	{
		kind: 'presale_open',
		label: 'Presale opening',
		when: 'When a presale window opens for the fan’s tier.',
		placeholders: ['event', 'audience', 'until'],
		title: 'Presale open for {event}',
		body: 'Early access for {audience} is open until {until}.'
	},
	{
		kind: 'poll_outcome',
		label: 'Poll outcome',
		when: 'When staff publish the outcome of a closed poll, to everyone who voted.',
		placeholders: ['poll', 'note'],
		title: 'You voted: here is what happens — {poll}',
		body: '{note}'
	},
	{
		kind: 'board_invitation',
		label: 'Advisory board invitation',
		when: 'When staff invite a fan to the advisory board.',
		placeholders: ['board', 'purpose', 'deadline'],
		title: 'You are invited to join the {board}',
		body: '{purpose} Please answer by {deadline}.'
	},
	{
		kind: 'first_vote',
		label: 'First vote counted',
		when: 'When a fan’s first ever poll vote is counted.',
		placeholders: ['name', 'poll'],
		title: 'Your first vote is in!',
		body: 'Thank you for voting in “{poll}”. You are now helping shape what comes next.'
	}
];

const BY_KIND = new Map(MOMENTS.map((m) => [m.kind, m]));

export const momentDefinition = (kind: string) => BY_KIND.get(kind);

export interface MomentWording {
	enabled: boolean;
	title: string | null;
	body: string | null;
}

/** `{name}` → value; a placeholder without a value is left out rather than shown raw. */
export function fill(template: string, vars: Readonly<Record<string, string>>): string {
	return template
		.replace(/\{(\w+)\}/g, (_, key: string) => vars[key] ?? '')
		.replace(/\s{2,}/g, ' ')
		.trim();
}

/** The title and body for a moment, or null when staff switched it off. */
export function renderMoment(
	kind: string,
	vars: Readonly<Record<string, string>>,
	wording?: MomentWording
): { title: string; body: string } | null {
	const definition = BY_KIND.get(kind);
	if (!definition) throw new Error(`Unknown moment "${kind}"`);
	if (wording && !wording.enabled) return null;
	return {
		title: fill(wording?.title || definition.title, vars),
		body: fill(wording?.body || definition.body, vars)
	};
}

/** Staff wording problems: placeholders this moment does not have. */
export function wordingProblems(kind: string, text: string): string[] {
	const definition = BY_KIND.get(kind);
	if (!definition) return [`Unknown moment "${kind}".`];
	const unknown = [...text.matchAll(/\{(\w+)\}/g)]
		.map((m) => m[1])
		.filter((p) => !definition.placeholders.includes(p));
	return [...new Set(unknown)].map(
		(p) => `{${p}} is not available here. Use ${definition.placeholders.map((x) => `{${x}}`).join(', ')}.`
	);
}

/** "1 year", "3 years". */
export const yearsText = (years: number) => `${years} year${years === 1 ? '' : 's'}`;
