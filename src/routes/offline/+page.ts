// Prerendered so the service worker can precache it and show it without a network.
export const prerender = true;
