/// <reference types="vite-plugin-pwa/client" />
/// <reference types="vite-plugin-pwa/info" />
/// <reference types="vite-plugin-pwa/svelte" />
import type { Session } from '$lib/server/db/schema';
import type { SessionUser } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Error {
			message: string;
			requestId?: string;
			/** The status actually sent, when a hook changed it after SvelteKit rendered a 500. */
			status?: number;
		}
		interface Locals {
			requestId: string;
			user: SessionUser | null;
			session: Session | null;
			/** Unread inbox items as read with the session (GET requests); null: ask the database. */
			unread: number | null;
			/** Set by handleError for a database error caused by bad input: the 4xx to answer. */
			badInputStatus?: number;
		}
		// interface PageData {}
		// interface PageState {}
		// interface Platform {}
	}
}

export {};
