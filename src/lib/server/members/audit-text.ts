// The audit log for people (pure): its filter read from GET parameters, and each entry in words.
import { z } from 'zod';
import { formatDate } from '$lib/time';

export const AUDIT_PAGE = 50;

const text = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`).default('');
const day = z
	.union([z.literal(''), z.iso.date('Use a date like 2026-11-27.')])
	.default('')
	.transform((v) => v);

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const auditFilterSchema = z
	.object({
		action: text(100),
		actor: text(200),
		subjectType: text(50),
		subjectId: text(100),
		from: day,
		to: day,
		page: z.coerce.number('Use a page number.').int('Use a page number.').min(1).max(100_000).default(1)
	})
	.refine((f) => !ISO_DAY.test(f.from) || !ISO_DAY.test(f.to) || f.from <= f.to, {
		message: 'The start must not be after the end.',
		path: ['to']
	});

export type AuditFilter = z.output<typeof auditFilterSchema>;
export const AUDIT_FIELDS = ['action', 'actor', 'subjectType', 'subjectId', 'from', 'to', 'page'] as const;
export const EMPTY_AUDIT_FILTER: AuditFilter = {
	action: '',
	actor: '',
	subjectType: '',
	subjectId: '',
	from: '',
	to: '',
	page: 1
};

/** Reads the filter; fields in error fall back to their defaults and come back as messages. */
export function parseAuditFilter(params: URLSearchParams): {
	filter: AuditFilter;
	errors: Record<string, string>;
} {
	const raw: Record<string, string> = {};
	for (const key of AUDIT_FIELDS) {
		const v = params.get(key);
		if (v !== null && v.trim() !== '') raw[key] = v;
	}
	const errors: Record<string, string> = {};
	let result = auditFilterSchema.safeParse(raw);
	if (!result.success) {
		for (const issue of result.error.issues) {
			const field = String(issue.path[0] ?? 'form');
			errors[field] ??= issue.message;
			delete raw[field];
		}
		result = auditFilterSchema.safeParse(raw);
	}
	return { filter: result.success ? result.data : EMPTY_AUDIT_FILTER, errors };
}

export function auditParams(f: AuditFilter, overrides: Partial<AuditFilter> = {}): URLSearchParams {
	const g = { ...f, ...overrides };
	const out = new URLSearchParams();
	for (const key of AUDIT_FIELDS) {
		if (key === 'page') continue;
		if (g[key]) out.set(key, g[key]);
	}
	if (g.page !== 1) out.set('page', String(g.page));
	return out;
}

const ACTIONS: Record<string, string> = {
	'points.adjusted': 'Adjusted points',
	'patronage.comp_granted': 'Gave a complimentary tier',
	'patronage.comp_revoked': 'Ended a complimentary tier',
	'patronage.refund': 'Stripe refund recorded',
	'patronage.dispute': 'Stripe dispute recorded',
	'member.role_changed': 'Changed a role',
	'member.verification_resent': 'Resent the verification email',
	'members.exported': 'Exported members as CSV',
	'privacy.consents_given': 'Consents given at sign-up',
	'privacy.consents_changed': 'Consents changed',
	'privacy.exported': 'Downloaded their data',
	'privacy.account_deleted': 'Account deleted',
	'tiers.updated': 'Changed the tier ladder',
	'rules.updated': 'Changed the earning rules',
	'moments.updated': 'Changed moment settings',
	'moments.reset': 'Reset moment settings',
	'poll.create': 'Created a poll',
	'poll.close': 'Closed a poll',
	'poll.outcome': 'Published a poll outcome',
	'idea.status': 'Changed an idea’s status',
	'idea.into_poll': 'Took an idea into a poll',
	'board.create': 'Created an advisory board',
	'board.invite': 'Invited members to a board',
	'board.session': 'Scheduled a board session',
	'event.create': 'Created an event',
	'event.update': 'Changed an event',
	'presale.window.create': 'Opened a presale window',
	'presale.weights': 'Changed presale draw weights',
	'presale.release': 'Released presale seats',
	'presale.draw': 'Ran a presale draw',
	'drop.created': 'Created a drop',
	'drop.updated': 'Edited a drop',
	'drop.published': 'Published a drop',
	'drop.pinned': 'Pinned a drop',
	'drop.unpinned': 'Unpinned a drop',
	'drop.media_uploaded': 'Uploaded drop media',
	'drop.media_deleted': 'Deleted drop media',
	'api_key.create': 'Created an API key',
	'api_key.revoke': 'Revoked an API key'
};

/** The action in words; unknown ones are spelled out from their name ("drop.archived" → "Drop archived"). */
export function actionLabel(action: string): string {
	if (ACTIONS[action]) return ACTIONS[action];
	const words = action.replace(/[._]+/g, ' ').trim();
	return words ? words[0].toUpperCase() + words.slice(1) : action;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The details that matter for the action, in a sentence; generic "key: value" for the rest. */
export function describeDetails(action: string, details: Record<string, unknown>, zone: string): string {
	const d = details ?? {};
	switch (action) {
		case 'points.adjusted':
			return `${signed(Number(d.points))} points: “${String(d.reason ?? '')}”`;
		case 'patronage.comp_granted':
			return `Tier rank ${d.tierRank} until ${d.endsAt ? formatDate(String(d.endsAt), zone) : '?'}: “${String(d.reason ?? '')}”`;
		case 'member.role_changed':
			return `From ${d.from} to ${d.to}`;
		case 'members.exported':
			return `${d.rows} rows${d.filter ? ` (${d.filter})` : ''}`;
		case 'privacy.consents_given':
		case 'privacy.consents_changed':
			return `Analytics ${d.analytics ? 'yes' : 'no'}, marketing email ${d.marketing ? 'yes' : 'no'}`;
	}
	return Object.entries(d)
		.filter(([, v]) => v !== null && v !== undefined && v !== '')
		.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
		.join(', ');
}

/** Audit subjects that are members (older entries say 'user', newer 'member'). */
export function isMemberSubject(subjectType: string): boolean {
	return subjectType === 'member' || subjectType === 'user';
}
