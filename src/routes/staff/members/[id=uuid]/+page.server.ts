import { error, fail } from '@sveltejs/kit';
import { requireAdmin, requireStaff, getUserById } from '$lib/server/auth';
import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { formValues, parseForm } from '$lib/server/forms';
import { loadLadder } from '$lib/server/loyalty';
import {
	adjustMemberPoints,
	changeMemberRole,
	grantMemberComp,
	memberAdjustSchema,
	memberCompSchema,
	resendMemberVerification,
	roleSchema,
	LEDGER_PAGE,
	loadMemberProfile,
	memberExists
} from '$lib/server/members';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event);
	const db = getDb();
	const raw = Number(event.url.searchParams.get('ledger') ?? '1');
	const ledgerPage = Number.isInteger(raw) && raw >= 1 && raw <= 100_000 ? raw : 1;
	if (!(await memberExists(db, event.params.id))) error(404, 'No such member.');
	const [profile, ladder] = await Promise.all([
		loadMemberProfile(db, event.params.id, ledgerPage),
		loadLadder(db)
	]);
	if (!profile) error(404, 'No such member.');
	const { user } = profile;
	return {
		requestId: crypto.randomUUID(),
		isAdmin: staff.role === 'admin',
		isSelf: staff.id === user.id,
		ladder: ladder.map((t) => ({ rank: t.rank, name: t.name, colour: t.colour, purchasable: t.purchasable })),
		member: {
			id: user.id,
			displayName: user.displayName,
			email: user.email,
			role: user.role,
			verifiedAt: user.emailVerifiedAt,
			joinedAt: user.createdAt,
			consentAnalytics: user.consentAnalytics,
			consentMarketing: user.consentMarketing,
			consentUpdatedAt: user.consentUpdatedAt
		},
		tier: profile.tier,
		points12m: profile.points12m,
		changes: profile.changes,
		ledger: profile.ledger,
		ledgerPage,
		ledgerPages: Math.max(1, Math.ceil(profile.ledgerTotal / LEDGER_PAGE)),
		ledgerTotal: profile.ledgerTotal,
		subscriptions: profile.subscriptions.map((s) => ({
			id: s.id,
			status: s.status,
			tierRank: s.tierRank,
			interval: s.interval,
			amountMinor: s.amountMinor,
			currency: s.currency,
			currentPeriodEnd: s.currentPeriodEnd,
			cancelAtPeriodEnd: s.cancelAtPeriodEnd,
			endedAt: s.endedAt
		})),
		subEvents: profile.subEvents,
		payments: profile.payments.map((p) => ({
			id: p.id,
			kind: p.kind,
			tierRank: p.tierRank,
			amountMinor: p.amountMinor,
			currency: p.currency,
			occurredAt: p.occurredAt
		})),
		paidTotals: profile.paidTotals,
		comps: profile.comps,
		claims: profile.claims,
		ballots: profile.ballots,
		ideas: profile.ideas,
		invitations: profile.invitations
	};
};

/** The member the action is about, or a 404 (also for erased accounts). */
async function target(event: RequestEvent) {
	const db = getDb();
	if (!(await memberExists(db, event.params.id))) error(404, 'No such member.');
	return (await getUserById(db, event.params.id))!;
}

export const actions: Actions = {
	adjust: async (event) => {
		const staff = requireStaff(event);
		const member = await target(event);
		const form = await readForm(event);
		const values = formValues(form);
		const parsed = parseForm(memberAdjustSchema, form);
		if (!parsed.ok) return fail(400, { action: 'adjust', errors: parsed.errors, values });
		const outcome = await adjustMemberPoints(getDb(), member, parsed.data, staff.id);
		if (!outcome.ok) return fail(400, { action: 'adjust', errors: outcome.errors, values });
		return { action: 'adjust', adjusted: outcome.value };
	},
	comp: async (event) => {
		const staff = requireStaff(event);
		const member = await target(event);
		const form = await readForm(event);
		const values = formValues(form);
		const parsed = parseForm(memberCompSchema, form);
		if (!parsed.ok) return fail(400, { action: 'comp', errors: parsed.errors, values });
		const outcome = await grantMemberComp(getDb(), member, parsed.data, staff.id, config.patronageGraceDays);
		if (!outcome.ok) return fail(400, { action: 'comp', errors: outcome.errors, values });
		return { action: 'comp', granted: true };
	},
	verify: async (event) => {
		const staff = requireStaff(event);
		const member = await target(event);
		const outcome = await resendMemberVerification(getDb(), member, staff.id);
		if (!outcome.ok) return fail(400, { action: 'verify', errors: outcome.errors, values: {} });
		return { action: 'verify', sent: true };
	},
	role: async (event) => {
		const admin = requireAdmin(event);
		const member = await target(event);
		const form = await readForm(event);
		const values = formValues(form);
		const parsed = parseForm(roleSchema, form);
		if (!parsed.ok) return fail(400, { action: 'role', errors: parsed.errors, values });
		const outcome = await changeMemberRole(getDb(), admin, member.id, parsed.data.role);
		if (!outcome.ok) return fail(400, { action: 'role', errors: outcome.errors, values });
		return { action: 'role', changed: outcome.value };
	}
};
