import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			strategies: 'injectManifest',
			srcDir: 'src',
			filename: 'service-worker.ts',
			registerType: 'autoUpdate',
			// Registered from src/lib/pwa/register.ts (a bundled module, so it passes the CSP).
			injectRegister: false,
			manifest: {
				id: '/',
				name: 'Encore',
				short_name: 'Encore',
				description:
					'Your membership in your pocket: your tier card and progress, exclusive drops, early-access tickets and polls.',
				lang: 'en',
				dir: 'ltr',
				start_url: '/me',
				scope: '/',
				display: 'standalone',
				theme_color: '#5b3df5',
				background_color: '#f7f6fb', // the page background (--color-bg in app.css)
				categories: ['entertainment', 'music', 'lifestyle'],
				// Drawn and rendered by scripts/render-icons.js.
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
					{ src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
				]
			},
			injectManifest: {
				// The app shell: immutable JS/CSS, icons, favicon, the manifest and the prerendered offline page.
				globPatterns: ['client/**/*.{js,css,png,svg,webmanifest}', 'prerendered/**/*.{html,json}'],
				// Web workers (the staff QR scanner's decoder, ~130 kB) load on demand and are cached then.
				globIgnores: ['server/**', 'client/_app/immutable/workers/**']
			},
			devOptions: { enabled: false }
		})
	],
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['tests/unit/**/*.test.ts']
				}
			},
			{
				extends: './vite.config.ts',
				test: {
					name: 'integration',
					environment: 'node',
					include: ['tests/integration/**/*.test.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			}
		]
	}
});
