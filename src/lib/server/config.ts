// All configuration comes from environment variables; every one is listed in .env.example.
// Read from process.env (not $env) so the same modules run in scripts and tests.
import { existsSync } from 'node:fs';
import path from 'node:path';

if (!process.env.ENCORE_SKIP_DOTENV && existsSync('.env')) process.loadEnvFile('.env');

const env = process.env;

function flag(value: string | undefined, fallback: boolean): boolean {
	if (value === undefined || value === '') return fallback;
	return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function int(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return value !== undefined && value !== '' && Number.isInteger(n) ? n : fallback;
}

const production = env.NODE_ENV === 'production';
const dataDir = path.resolve(env.DATA_DIR || 'data');

export const config = {
	production,
	/** Postgres connection string; empty means the embedded PGlite database. */
	databaseUrl: env.DATABASE_URL || '',
	dataDir,
	pgliteDir: path.join(dataDir, 'pglite'),
	migrationsDir: path.resolve(env.MIGRATIONS_DIR || 'drizzle'),
	/** Public origin, used in links inside emails. */
	origin: (env.ORIGIN || `http://localhost:${env.PORT || 3000}`).replace(/\/$/, ''),
	/** Demo mode seeds a fictional house and shows its credentials on the landing page. */
	demo: flag(env.ENCORE_DEMO, false),
	/** Generated fans with a year of history in the demo (0: none); `npm run demo:history` makes more. */
	demoHistoryMembers: Math.max(0, int(env.DEMO_HISTORY_MEMBERS, 400)),
	cookieSecure: flag(env.COOKIE_SECURE, production),
	sessionDays: int(env.SESSION_DAYS, 30),
	/** Per-day caps reset at midnight here. */
	houseTimeZone: env.HOUSE_TIMEZONE || 'Europe/Brussels',
	smtpUrl: env.SMTP_URL || '',
	mailFrom: env.MAIL_FROM || 'Encore <no-reply@encore.local>',
	/** Multiplies every rate limit (raise it for load tests, never in production). */
	rateLimitFactor: Math.max(1, int(env.RATE_LIMIT_FACTOR, 1)),
	/** Web Push keys; when unset a pair is generated once and kept in the database. */
	vapidPublicKey: env.VAPID_PUBLIC_KEY || '',
	vapidPrivateKey: env.VAPID_PRIVATE_KEY || '',
	/** A contact for push services: mailto: or https: URL. */
	vapidSubject: env.VAPID_SUBJECT || 'mailto:admin@encore.local',
	/** Tests point push subscriptions at a local http server; real ones are always https. */
	pushAllowHttp: flag(env.PUSH_ALLOW_HTTP, !production),
	/** How often due work (scheduled drops, presale windows, draws) is checked; 0 turns it off. */
	schedulerMs: Math.max(0, int(env.SCHEDULER_MS, 15_000)),
	/** Fan accounts inactive this many days are deleted (after a warning); 0 or empty: never. */
	retentionInactiveDays: Math.max(0, int(env.RETENTION_INACTIVE_DAYS, 0)),
	retentionWarningDays: Math.max(0, int(env.RETENTION_WARNING_DAYS, 30)),
	/** Stripe secret key; empty means demo payments (a local, clearly labelled stand-in for Stripe). */
	stripeSecretKey: env.STRIPE_SECRET_KEY || '',
	/** Signing secret of the webhook endpoint (whsec_…), from the dashboard or `stripe listen`. */
	stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET || '',
	/** Demo payments: on by default when no Stripe key is set; 1 forces them on (never with a live key in production). */
	demoPayments: flag(env.PATRONAGE_DEMO_PAYMENTS, !env.STRIPE_SECRET_KEY),
	/** Another Stripe API address (stripe-mock, a test double): host, port, protocol. */
	stripeApiHost: env.STRIPE_API_HOST || '',
	stripeApiPort: int(env.STRIPE_API_PORT, 0),
	stripeApiProtocol: (env.STRIPE_API_PROTOCOL === 'http' ? 'http' : 'https') as 'http' | 'https',
	/** Days a past_due subscription keeps its tier while Stripe retries the card. */
	patronageGraceDays: Math.max(0, int(env.PATRONAGE_GRACE_DAYS, 7)),
	/** Where drop uploads are stored; served only through the access check, never as static files. */
	dropsMediaDir: path.resolve(env.DROPS_MEDIA_DIR || path.join(dataDir, 'drops-media')),
	/** Largest upload accepted for a drop, in megabytes (BODY_SIZE_LIMIT must allow it too). */
	dropsMaxUploadBytes: Math.max(1, int(env.DROPS_MAX_UPLOAD_MB, 20)) * 1024 * 1024
} as const;

export type Config = typeof config;
