// One closing line for the whole suite, from the Vitest and Playwright JSON reports.
import { existsSync, readFileSync } from 'node:fs';

const read = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null);
let passed = 0;
let failed = 0;
let skipped = 0;

const vitest = read('test-reports/vitest.json');
if (vitest) {
	passed += vitest.numPassedTests;
	failed += vitest.numFailedTests;
	skipped += vitest.numPendingTests + vitest.numTodoTests;
}
const playwright = read('test-reports/playwright.json');
if (playwright) {
	passed += playwright.stats.expected;
	failed += playwright.stats.unexpected + playwright.stats.flaky;
	skipped += playwright.stats.skipped;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (!vitest || !playwright || passed === 0 || failed > 0) process.exitCode = 1;
