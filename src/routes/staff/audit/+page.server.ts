import { requireStaff } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import {
	listAudit,
	actionLabel,
	auditParams,
	describeDetails,
	isMemberSubject,
	parseAuditFilter
} from '$lib/server/members';
import { houseTimeZone } from '$lib/server/house';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const { filter, errors } = parseAuditFilter(event.url.searchParams);
	const result = await listAudit(getDb(), filter);
	const link = (page: number) => `?${auditParams(filter, { page })}`;
	return {
		filter,
		errors,
		values: Object.fromEntries(event.url.searchParams),
		total: result.total,
		actions: result.actions.map((a) => ({ value: a, label: actionLabel(a) })),
		entries: result.entries.map((e) => ({
			id: e.id,
			at: e.createdAt.toISOString(),
			action: e.action,
			label: actionLabel(e.action),
			details: describeDetails(e.action, e.details, houseTimeZone()),
			actor: e.actorName ? { id: e.actorId, name: e.actorName, email: e.actorEmail } : null,
			subjectType: e.subjectType,
			subjectId: e.subjectId,
			subjectName: e.subjectName,
			memberLink:
				e.subjectId && isMemberSubject(e.subjectType) && e.subjectName
					? `/staff/members/${e.subjectId}`
					: null
		})),
		previous: filter.page > 1 ? link(filter.page - 1) : null,
		next: result.hasNext ? link(filter.page + 1) : null
	};
};
