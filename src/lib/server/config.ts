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
	cookieSecure: flag(env.COOKIE_SECURE, production),
	sessionDays: int(env.SESSION_DAYS, 30),
	/** Per-day caps reset at midnight here. */
	houseTimeZone: env.HOUSE_TIMEZONE || 'Europe/Brussels',
	smtpUrl: env.SMTP_URL || '',
	mailFrom: env.MAIL_FROM || 'Encore <no-reply@encore.local>',
	/** Multiplies every rate limit (raise it for load tests, never in production). */
	rateLimitFactor: Math.max(1, int(env.RATE_LIMIT_FACTOR, 1)),
	/** How often due work (scheduled drops, presale windows, draws) is checked; 0 turns it off. */
	schedulerMs: Math.max(0, int(env.SCHEDULER_MS, 15_000)),
	/** Where drop uploads are stored; served only through the access check, never as static files. */
	dropsMediaDir: path.resolve(env.DROPS_MEDIA_DIR || path.join(dataDir, 'drops-media')),
	/** Largest upload accepted for a drop, in megabytes (BODY_SIZE_LIMIT must allow it too). */
	dropsMaxUploadBytes: Math.max(1, int(env.DROPS_MAX_UPLOAD_MB, 20)) * 1024 * 1024
} as const;

export type Config = typeof config;
