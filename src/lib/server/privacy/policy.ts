// The personal data policy: for every table in the schema, whether it holds data about a member,
// how to find the member's rows, what the export leaves out (secrets) and what erasure does.
// tests/integration/privacy-policy.test.ts fails when a table or a member column is not classified
// here, so a feature cannot add a table that the export or the erasure forgets.
import { sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

export interface MemberRef {
	memberId: string;
	email: string;
	displayName: string;
	now: Date;
}

/** What erasure does to one column of a member's row that is kept. */
export type ColumnRule =
	/** Not personal (ids, points, timestamps) or must stay as it is (the append-only ledger). */
	| 'keep'
	| 'null'
	/** Free text or JSON: the member's email and name are cut out of the string values. */
	| 'scrub'
	| { set: (member: MemberRef) => unknown };

export interface PersonalTable {
	personal: true;
	/** SQL names of the columns holding the member's id; every one the schema has must be listed. */
	memberColumns: string[];
	/** Rows that are the member's without an id column (mail by address, rate limits by email). */
	alsoMatch?: (table: PgTable, member: MemberRef) => SQL;
	/** `delete`: the rows are purely personal. `keep`: the rows stay and `columns` says what changes. */
	erase: 'delete' | 'keep';
	/** For kept rows: a rule for EVERY column, so a new column has to be thought about. */
	columns?: Record<string, ColumnRule>;
	/** Columns never exported: password hashes, token and session hashes, emailed links. */
	secret?: string[];
	why: string;
}

export interface ImpersonalTable {
	personal: false;
	why: string;
}

export type TablePolicy = PersonalTable | ImpersonalTable;

const keepAll = (...columns: string[]): Record<string, ColumnRule> =>
	Object.fromEntries(columns.map((c) => [c, 'keep' as const]));

/** The address an erased account keeps: unique, and never deliverable (.invalid is reserved). */
export const tombstoneEmail = (memberId: string) => `deleted-${memberId}@invalid`;
export const TOMBSTONE_NAME = 'Deleted member';
/** Not an argon2 hash: no password can ever match it. */
export const UNUSABLE_PASSWORD = '!erased';

/** By SQL table name. Tables added by later features add their entry here. */
export const personalDataPolicy: Record<string, TablePolicy> = {
	users: {
		personal: true,
		memberColumns: ['id'],
		erase: 'keep',
		why: 'The row stays as an anonymised tombstone so the ledger, tier history and insights stay consistent.',
		secret: ['password_hash'],
		columns: {
			...keepAll('id', 'created_at'),
			email: { set: (m) => tombstoneEmail(m.memberId) },
			display_name: { set: () => TOMBSTONE_NAME },
			password_hash: { set: () => UNUSABLE_PASSWORD },
			role: { set: () => 'fan' },
			email_verified_at: 'null',
			consent_analytics: { set: () => false },
			consent_marketing: { set: () => false },
			consent_updated_at: { set: (m) => m.now },
			birthday_month: 'null',
			birthday_day: 'null',
			updated_at: { set: (m) => m.now }
		}
	},
	sessions: {
		personal: true,
		memberColumns: ['user_id'],
		erase: 'delete',
		secret: ['id'],
		why: 'Deleting them signs the member out everywhere.'
	},
	auth_tokens: {
		personal: true,
		memberColumns: ['user_id'],
		erase: 'delete',
		secret: ['id'],
		why: 'Emailed one-time links: purely personal.'
	},
	rate_limits: {
		personal: true,
		memberColumns: [],
		// Keys end in ":<email>" (login:account:…) or ":<member id>" (export:account:…); compared
		// exactly, not with LIKE, whose wildcards are common in addresses.
		alsoMatch: (t, m) => {
			const email = `:${m.email.toLowerCase()}`;
			const id = `:${m.memberId}`;
			return sql`(right(${t}."key", length(${email})) = ${email} or right(${t}."key", length(${id})) = ${id})`;
		},
		erase: 'delete',
		why: 'Per-account counters are keyed by the email address or the member id.'
	},
	mail_outbox: {
		personal: true,
		memberColumns: [],
		// The deletion confirmation still waiting for delivery stays until it is sent (retention.ts
		// scrubs it then); every other message to the member goes.
		alsoMatch: (t, m) =>
			sql`lower(${t}."to") = ${m.email.toLowerCase()} and not (${t}."kind" = 'account_deleted' and ${t}."sent_at" is null)`,
		erase: 'delete',
		secret: ['text', 'html'],
		why: 'Messages sent to the member; their bodies hold one-time links, so only the headers are exported.'
	},
	audit_log: {
		personal: true,
		memberColumns: ['actor_id'],
		alsoMatch: (t, m) => sql`${t}."subject_type" in ('user', 'member') and ${t}."subject_id" = ${m.memberId}`,
		erase: 'keep',
		why: 'The security and staff trail stays (pointing at the tombstone); names and emails are cut out of it.',
		columns: {
			...keepAll('id', 'actor_id', 'action', 'subject_type', 'subject_id', 'created_at'),
			details: 'scrub'
		}
	},
	engagements: {
		personal: true,
		memberColumns: ['member_id', 'actor_id'],
		erase: 'keep',
		why: 'The append-only ledger: it holds ids, kinds and points, and ledger totals must stay consistent.',
		columns: keepAll(
			'id',
			'member_id',
			'kind',
			'object',
			'points',
			'occurred_at',
			'recorded_at',
			'day',
			'source',
			'idempotency_key',
			'payload_hash',
			'capped_reason',
			// Staff write the reason of an adjustment. The ledger cannot be rewritten, so a name typed
			// into it would stay: reasons should describe the deed, not the person.
			'note',
			'actor_id'
		)
	},
	member_tiers: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Tier standing without personal data: insights count it.',
		columns: keepAll(
			'member_id',
			'earned_rank',
			'reached_at',
			'held_until',
			'last_event_at',
			'paid_rank',
			'paid_until',
			'rank',
			'updated_at'
		)
	},
	member_activity: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'A summary of the ledger for the staff members directory, rebuilt from it by scheduled work.'
	},
	tier_changes: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Tier history feeds conversion and churn; it holds ids and ranks only.',
		columns: keepAll('id', 'member_id', 'from_rank', 'to_rank', 'route', 'at', 'recorded_at')
	},
	inbox_items: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'Notifications addressed to the member.'
	},
	ladder_versions: {
		personal: true,
		memberColumns: ['created_by'],
		erase: 'keep',
		why: 'Staff who changed the ladder: the change stays, attributed to the tombstone.',
		columns: keepAll('id', 'effective_at', 'thresholds', 'created_by', 'created_at')
	},
	api_keys: {
		personal: true,
		memberColumns: ['created_by'],
		erase: 'keep',
		secret: ['key_hash'],
		why: 'Partner keys a staff member created keep working after they leave.',
		columns: keepAll(
			'id',
			'name',
			'prefix',
			'key_hash',
			'scopes',
			'created_by',
			'created_at',
			'last_used_at',
			'revoked_at'
		)
	},
	account_deletions: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'The record that this id was erased (no personal data).',
		columns: keepAll('member_id', 'reason', 'erased_at')
	},
	retention_notices: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'Warnings before an inactive account is removed.'
	},
	notification_preferences: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'What the member chose to be notified about.'
	},
	push_subscriptions: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		secret: ['p256dh', 'auth'],
		why: 'The member’s devices for Web Push; the keys are the browser’s secrets.'
	},
	notification_deliveries: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'When each notification went out by email or push.'
	},
	moment_settings: {
		personal: true,
		memberColumns: ['updated_by'],
		erase: 'keep',
		why: 'Staff wording for moments: it stays, attributed to the tombstone.',
		columns: keepAll('kind', 'enabled', 'title', 'body', 'updated_by', 'updated_at')
	},
	events: {
		personal: true,
		memberColumns: ['created_by'],
		erase: 'keep',
		why: 'Events staff created stay, attributed to the tombstone.',
		columns: keepAll(
			'id',
			'slug',
			'title',
			'venue',
			'starts_at',
			'time_zone',
			'image_url',
			'public_sale_at',
			'capacity',
			'created_by',
			'created_at',
			'updated_at'
		)
	},
	presale_windows: {
		personal: true,
		memberColumns: ['drawn_by'],
		erase: 'keep',
		why: 'Presale windows and their recorded draws (reproducible from the seed) stay.',
		columns: keepAll(
			'id',
			'event_id',
			'min_rank',
			'opens_at',
			'closes_at',
			'mode',
			'allocation',
			'rolled_in',
			'seats_remaining',
			'per_member_limit',
			'claim_hours',
			'draw_weights',
			'draw_seed',
			'drawn_at',
			'drawn_by',
			'open_notified_at',
			'closed_at',
			'created_at',
			'updated_at'
		)
	},
	presale_entries: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Draw entries hold ids, ranks and weights only; a recorded draw must replay with the same entrants.',
		columns: keepAll(
			'id',
			'window_id',
			'member_id',
			'seats',
			'rank',
			'member_since',
			'weight_milli',
			'outcome',
			'draw_position',
			'offered_at',
			'registered_at'
		)
	},
	presale_claims: {
		personal: true,
		memberColumns: ['member_id', 'ended_by', 'checked_in_by'],
		erase: 'keep',
		why: 'Seats claimed stay counted (no oversell, presale conversion); the rows hold ids and codes only.',
		columns: keepAll(
			'id',
			'window_id',
			'event_id',
			'member_id',
			'seats',
			'code',
			'status',
			'claim_by',
			'entry_id',
			'created_at',
			'claimed_at',
			'ended_at',
			'ended_by',
			'checked_in_at',
			'checked_in_by'
		)
	},
	stripe_customers: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'The link to the Stripe customer stays, so a late refund or dispute still finds the (erased) member.',
		columns: keepAll('member_id', 'stripe_customer_id', 'created_at')
	},
	checkout_sessions: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Checkout attempts: ids, tier and period only.',
		columns: keepAll(
			'id',
			'member_id',
			'tier_rank',
			'interval',
			'created_at',
			'completed_at',
			'stripe_subscription_id'
		)
	},
	patron_subscriptions: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Subscription facts feed MRR, churn and lifetime value; they hold ids, amounts and dates only.',
		columns: keepAll(
			'id',
			'member_id',
			'stripe_customer_id',
			'status',
			'tier_rank',
			'interval',
			'stripe_price_id',
			'amount_minor',
			'currency',
			'current_period_end',
			'cancel_at_period_end',
			'cancel_at',
			'ended_at',
			'past_due_since',
			'granted_rank',
			'granted_until',
			'mrr_minor',
			'disputed_at',
			'read_at_ms',
			'created_at',
			'updated_at'
		)
	},
	subscription_events: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Every change of paid tier with its MRR delta: insights recompute from it.',
		columns: keepAll(
			'id',
			'member_id',
			'stripe_subscription_id',
			'kind',
			'from_rank',
			'to_rank',
			'status',
			'mrr_before_minor',
			'mrr_after_minor',
			'mrr_delta_minor',
			'currency',
			'occurred_at',
			'stripe_event_id',
			'recorded_at'
		)
	},
	payments: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Money received and refunded: bookkeeping and lifetime value need it; it holds amounts and Stripe ids, no contact data.',
		columns: keepAll(
			'id',
			'member_id',
			'external_id',
			'kind',
			'stripe_subscription_id',
			'stripe_charge_id',
			'tier_rank',
			'amount_minor',
			'currency',
			'occurred_at',
			'stripe_event_id',
			'recorded_at'
		)
	},
	patron_comps: {
		personal: true,
		memberColumns: ['member_id', 'granted_by'],
		erase: 'keep',
		why: 'Complimentary tiers count (at 0) in insights; a reason staff typed may name the member.',
		columns: {
			...keepAll('id', 'member_id', 'tier_rank', 'ends_at', 'granted_by', 'created_at', 'revoked_at'),
			reason: 'scrub'
		}
	},
	form_submissions: {
		personal: true,
		memberColumns: ['actor_id'],
		erase: 'delete',
		why: 'One-time keys of forms a staff member submitted: only to answer a repeated submission with the first result.'
	},
	demo_stripe_objects: {
		personal: true,
		memberColumns: [],
		// The demo's stand-in for Stripe keeps customers with the member's email and name.
		alsoMatch: (t, m) =>
			sql`${t}."object" = 'customer' and lower(${t}."data"->>'email') = ${m.email.toLowerCase()}`,
		erase: 'delete',
		why: 'Demo payments only: the local stand-in for Stripe’s customer records.'
	},
	member_activity_runs: {
		personal: false,
		why: 'When the members summary was refreshed and how many rows changed.'
	},
	stripe_events: { personal: false, why: 'Which Stripe events were processed: ids and types.' },
	stripe_prices: { personal: false, why: 'Prices of the tiers.' },
	polls: {
		personal: true,
		memberColumns: ['created_by'],
		erase: 'keep',
		why: 'Polls staff created stay, attributed to the tombstone.',
		columns: keepAll(
			'id',
			'question',
			'description',
			'image_url',
			'kind',
			'max_choices',
			'eligible_ranks',
			'opens_at',
			'closes_at',
			'results_visibility',
			'tier_weights',
			'allow_change',
			'outcome_note',
			'outcome_published_at',
			'created_by',
			'created_at',
			'updated_at'
		)
	},
	poll_ballots: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Ballots stay so published results and participation figures do not change; they hold choices and ids only.',
		columns: keepAll('id', 'poll_id', 'member_id', 'choices', 'rank', 'weight', 'created_at', 'updated_at')
	},
	ideas: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'An idea may have become a poll option; it stays, attributed to the tombstone, with the author’s name and email cut out.',
		columns: {
			...keepAll('id', 'member_id', 'status', 'poll_id', 'created_at', 'updated_at'),
			title: 'scrub',
			body: 'scrub',
			decline_reason: 'scrub'
		}
	},
	idea_supports: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'Which ideas the member supported.'
	},
	boards: {
		personal: true,
		memberColumns: ['created_by'],
		erase: 'keep',
		why: 'Boards staff created stay.',
		columns: keepAll(
			'id',
			'name',
			'purpose',
			'seats',
			'seats_taken',
			'term_ends_at',
			'created_by',
			'created_at',
			'updated_at'
		)
	},
	board_invitations: {
		personal: true,
		memberColumns: ['member_id', 'invited_by'],
		erase: 'keep',
		why: 'Invitations count the seats taken; the reason a member gave for declining is theirs and goes.',
		columns: {
			...keepAll(
				'id',
				'board_id',
				'member_id',
				'status',
				'deadline',
				'responded_at',
				'invited_by',
				'created_at'
			),
			decline_reason: 'null'
		}
	},
	board_posts: {
		personal: true,
		memberColumns: ['author_id'],
		erase: 'keep',
		why: 'Threads keep their shape; what the member wrote is replaced.',
		columns: {
			...keepAll(
				'id',
				'board_id',
				'author_id',
				'parent_id',
				'is_update',
				'pinned',
				'hidden_at',
				'created_at'
			),
			body: { set: () => 'This post was removed when its author left.' }
		}
	},
	board_session_rsvps: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'The member’s answers to session invitations.'
	},
	poll_options: {
		personal: false,
		why: 'Options of polls (an idea’s title copied in is scrubbed with the idea).'
	},
	board_sessions: { personal: false, why: 'Board sessions: dates and links.' },
	drops: {
		personal: true,
		memberColumns: ['created_by', 'updated_by'],
		erase: 'keep',
		why: 'Drops staff wrote stay published, attributed to the tombstone.',
		columns: keepAll(
			'id',
			'slug',
			'title',
			'summary',
			'body',
			'body_html',
			'min_rank',
			'windows',
			'status',
			'publish_at',
			'pinned',
			'created_by',
			'updated_by',
			'created_at',
			'updated_at'
		)
	},
	drop_revisions: {
		personal: true,
		memberColumns: ['edited_by'],
		erase: 'keep',
		why: 'The revision history of a drop stays.',
		columns: keepAll(
			'id',
			'drop_id',
			'title',
			'summary',
			'body',
			'min_rank',
			'windows',
			'edited_by',
			'created_at'
		)
	},
	drop_media: {
		personal: true,
		memberColumns: ['uploaded_by'],
		erase: 'keep',
		why: 'Media in published drops stays.',
		columns: keepAll(
			'id',
			'drop_id',
			'kind',
			'mime',
			'original_name',
			'bytes',
			'width',
			'height',
			'variants',
			'alt',
			'uploaded_by',
			'created_at'
		)
	},
	drop_feed_visits: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'When the member last looked at the feed (for the “new” badge).'
	},
	drop_feed_tokens: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		secret: ['token_hash'],
		why: 'The member’s private feed link: deleting it revokes the feed.'
	},
	drop_releases: { personal: false, why: 'When each tier’s early-access window of a drop opens.' },
	house: { personal: false, why: 'The house itself.' },
	tiers: { personal: false, why: 'The ladder.' },
	earning_rules: { personal: false, why: 'Rules, not members.' },
	server_secrets: { personal: false, why: 'Server keys.' },
	privacy_runs: { personal: false, why: 'When privacy jobs last ran.' },
	insight_tier_days: {
		personal: false,
		why: 'Insights rollup: member counts per day and tier, no member ids.'
	},
	insight_engagement_days: {
		personal: false,
		why: 'Insights rollup: engagement counts per day, tier and kind, no member ids.'
	},
	insight_drop_days: { personal: false, why: 'Insights rollup: drop opens per day and tier, no member ids.' },
	insight_runs: { personal: false, why: 'When the insights rollups were last computed.' },
	feedback_requests: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'keep',
		why: 'Scores and reasons stay (tier, event and drop averages do not change); what the member wrote is erased.',
		columns: {
			...keepAll(
				'id',
				'member_id',
				'kind',
				'subject',
				'subject_label',
				'event_id',
				'drop_id',
				'rank',
				'sent_at',
				'answered_at',
				'score',
				'reason',
				'answers',
				'tags'
			),
			comment: 'null'
		}
	},
	feedback_notes: {
		personal: true,
		memberColumns: ['created_by'],
		erase: 'keep',
		why: 'Notes staff sent stay.',
		columns: keepAll('id', 'theme', 'body', 'recipients', 'created_by', 'created_at')
	},
	feedback_settings: { personal: false, why: 'The house’s settings for asking.' },
	home_visits: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'When the member last opened their home, so it can say what is new since.'
	},
	churn_scores: {
		personal: true,
		memberColumns: ['member_id'],
		erase: 'delete',
		why: 'A prediction about the member, recomputed daily from their behaviour.'
	},
	churn_models: { personal: false, why: 'The fitted churn model and its accuracy, no member ids.' }
};

export function isPersonal(policy: TablePolicy | undefined): policy is PersonalTable {
	return policy?.personal === true;
}
