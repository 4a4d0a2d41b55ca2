import { sql } from 'drizzle-orm';
import { requireStaff } from '$lib/server/auth';
import { config } from '$lib/server/config';
import { getDb, rowsOf } from '$lib/server/db';
import { jobOverview } from '$lib/server/jobs';
import { dueWork } from '$lib/server/scheduled-work';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const db = getDb();
	const [overview, deliveries, failedDeliveries] = await Promise.all([
		jobOverview(db),
		db.execute(sql`select channel, status, count(*)::int as n from notification_deliveries group by 1, 2`),
		db.execute(sql`
			select d.id, d.channel, d.attempts, d.last_error, d.next_attempt_at, i.kind, u.email
			from notification_deliveries d join inbox_items i on i.id = d.inbox_item_id join users u on u.id = d.member_id
			where d.status = 'failed' order by d.id desc limit 20`)
	]);
	return {
		running: config.schedulerMs > 0,
		everySeconds: Math.round(config.schedulerMs / 1000),
		work: dueWork.map((w) => w.name),
		queues: (overview?.queues ?? []).map((q) => ({
			...q,
			lastCompletedAt: q.lastCompletedAt?.toISOString() ?? null
		})),
		failures: (overview?.failures ?? []).map((f) => ({ ...f, failedAt: f.failedAt?.toISOString() ?? null })),
		deliveries: rowsOf<{ channel: string; status: string; n: number }>(deliveries),
		failedDeliveries: rowsOf<{
			id: number;
			channel: string;
			attempts: number;
			last_error: string | null;
			kind: string;
			email: string;
		}>(failedDeliveries).map((d) => ({ ...d, id: Number(d.id) }))
	};
};
