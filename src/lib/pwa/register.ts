import { registerSW } from 'virtual:pwa-register';

let registered = false;

/**
 * Registers the service worker (src/service-worker.ts) once per page load. Called from the root
 * layout's onMount. The registration code is bundled with the app, so it runs under the CSP
 * (`script-src 'self'`, `worker-src 'self'`) without inline scripts. With `registerType: 'autoUpdate'`
 * a new version activates at once and the page reloads into it.
 */
export function registerServiceWorker(): void {
	if (registered || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
	registered = true;
	registerSW({
		immediate: true,
		onRegisterError(error: unknown) {
			console.error('Encore: service worker registration failed', error);
		}
	});
}

/**
 * Asks the service worker to forget the pages it saved for offline use (the worker also does this
 * by itself when it sees POST /logout). Resolves once the cache is empty, or at once without a worker.
 */
export async function clearUserCache(): Promise<void> {
	const worker = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker?.controller;
	if (!worker) return;
	await new Promise<void>((resolve) => {
		const channel = new MessageChannel();
		const timer = setTimeout(resolve, 2000);
		channel.port1.onmessage = () => {
			clearTimeout(timer);
			resolve();
		};
		worker.postMessage({ type: 'clear-user-cache' }, [channel.port2]);
	});
}
