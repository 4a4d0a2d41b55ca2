// End-to-end tests: the built server (`node server.js`) on a fresh embedded database, driven by
// Debian's Chromium (no browser download) on a phone-sized viewport.
import { defineConfig } from '@playwright/test';

// E2E_PORT lets two checkouts run their suites side by side.
const PORT = Number(process.env.E2E_PORT) || 4173;
const ORIGIN = `http://localhost:${PORT}`;

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	// Two cores: one worker for the browser, one for the server. Tests keep to their own accounts
	// anyway, so raising this is safe.
	workers: 2,
	retries: 0,
	forbidOnly: !!process.env.CI,
	// A shared two-core machine: long journeys (axe, several pages) need room when it is busy.
	timeout: 60_000,
	expect: { timeout: 5_000 },
	reporter: [
		['list'],
		['html', { open: 'never', outputFolder: 'playwright-report' }],
		['json', { outputFile: 'test-reports/playwright.json' }]
	],
	outputDir: 'test-results',
	use: {
		baseURL: ORIGIN,
		browserName: 'chromium',
		viewport: { width: 390, height: 844 },
		isMobile: true,
		hasTouch: true,
		deviceScaleFactor: 1,
		locale: 'en-GB',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	webServer: {
		command: 'rm -rf tests/e2e/.data && node server.js',
		url: `${ORIGIN}/healthz`,
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'ignore',
		stderr: 'pipe',
		env: {
			DATA_DIR: 'tests/e2e/.data',
			ENCORE_DEMO: '1',
			PORT: String(PORT),
			ORIGIN,
			// Not production: the dev mailbox exists (reset links are read from it) and cookies are not Secure on http.
			NODE_ENV: 'development',
			// A fresh embedded database and the outbox, whatever the developer's shell or .env says.
			DATABASE_URL: '',
			SMTP_URL: '',
			ENCORE_SKIP_DOTENV: '1',
			LOG_QUIET: '1',
			// Notification emails go out within a second, so tests can read them from the mailbox.
			SCHEDULER_MS: '1000',
			// Every test signs in from 127.0.0.1, many as the same demo accounts: per-IP and
			// per-account limits are raised (they have their own integration tests).
			RATE_LIMIT_FACTOR: '20',
			// Drop uploads up to DROPS_MAX_UPLOAD_MB (adapter-node refuses larger bodies before the app).
			BODY_SIZE_LIMIT: '25M'
		}
	}
});
