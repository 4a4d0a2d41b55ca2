// One creation per form submission. A page that creates something (a drop, an event, a window, a
// poll, a board, an API key) puts a one-time key in its form; the action claims the key before it
// creates, in its own committed row. A double click, or the same form posted five times at once,
// finds the key taken, waits for the first submission to finish and answers with its result (the
// same redirect), so exactly one row is created. If the first fails, its claim is released.
import { error } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import type { Database } from './db';
import { formSubmissions } from './db/schema';

/** The hidden field's name. */
export const SUBMISSION_FIELD = 'submission';

/** For a page's load: the key its create form sends. */
export function newSubmissionKey(): string {
	return crypto.randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The form's key, or null when it has none (a page from before keys; then nothing is deduplicated). */
export function submissionKeyOf(form: FormData | Record<string, string>): string | null {
	const key = form instanceof FormData ? form.get(SUBMISSION_FIELD) : form[SUBMISSION_FIELD];
	return typeof key === 'string' && UUID.test(key) ? key.toLowerCase() : null;
}

const WAIT_MS = 50;
const MAX_WAIT_MS = 15_000;

/**
 * Runs `create` once per key: it answers the result to remember (a redirect path or a short
 * summary), or null when it created nothing (invalid after all: the claim is released). A repeated
 * submission gets the first one's result.
 */
export async function submitOnce(
	db: Database,
	claim: { kind: string; key: string | null; actorId: string },
	create: () => Promise<string | null>
): Promise<string | null> {
	if (!claim.key) return create();
	const key = `${claim.kind}:${claim.key}`;
	for (let waited = 0; waited < MAX_WAIT_MS;) {
		const [mine] = await db
			.insert(formSubmissions)
			.values({ key, actorId: claim.actorId })
			.onConflictDoNothing()
			.returning({ key: formSubmissions.key });
		if (mine) return runClaimed(db, key, create);
		const [first] = await db
			.select({ actorId: formSubmissions.actorId, result: formSubmissions.result })
			.from(formSubmissions)
			.where(eq(formSubmissions.key, key));
		if (first && first.actorId !== claim.actorId)
			error(409, 'This form was already submitted by someone else.');
		if (first?.result != null) return first.result;
		if (!first) continue; // the first submission failed and let go: this one may try
		await new Promise((r) => setTimeout(r, WAIT_MS));
		waited += WAIT_MS;
	}
	error(409, 'This form is still being submitted: reload the page in a moment.');
}

async function runClaimed(db: Database, key: string, create: () => Promise<string | null>) {
	let result: string | null;
	try {
		result = await create();
	} catch (err) {
		// A redirect or an error page: nothing was created, so the key is free again.
		await release(db, key);
		throw err;
	}
	if (result === null) {
		await release(db, key);
		return null;
	}
	await db.update(formSubmissions).set({ result }).where(eq(formSubmissions.key, key));
	return result;
}

async function release(db: Database, key: string): Promise<void> {
	await db.delete(formSubmissions).where(eq(formSubmissions.key, key));
}
