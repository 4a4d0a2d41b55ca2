import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ precompress: true }),
		// The PWA plugin registers its own service worker.
		serviceWorker: { register: false },
		// Absolute asset paths: the service worker serves the prerendered /offline page (and saved
		// pages) at other addresses, where relative `./_app/...` paths would point nowhere.
		paths: { relative: false },
		// The CSRF origin check runs in hooks.server.ts (src/lib/server/csrf.ts): the same rule, but
		// one-click unsubscribe links must accept mail clients' POSTs. CSP with nonces for SvelteKit's
		// own inline scripts.
		csrf: { checkOrigin: false },
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Inline style attributes carry the tier colours (custom properties).
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'media-src': ['self'],
				// Players drops may embed: the allow-list in src/lib/server/drops/markdown.ts (IFRAME_HOSTS).
				'frame-src': [
					'https://www.youtube-nocookie.com',
					'https://player.vimeo.com',
					'https://bandcamp.com',
					'https://w.soundcloud.com'
				],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self', 'https://checkout.stripe.com', 'https://billing.stripe.com'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
