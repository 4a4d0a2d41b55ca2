// The one Stripe client of the process, and which kind of payments the portal takes:
// real Stripe when a key is set, otherwise demo payments (the real client talking to a local,
// clearly labelled stand-in whose events go through the same webhook handler).
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { config } from '../config';
import { getDb } from '../db';
import { createFakeStripe, type FakeStripe } from './fake-stripe/api';
import { startFakeStripeServer } from './fake-stripe/server';
import { databaseStore } from './fake-stripe/store';

export interface Payments {
	mode: 'stripe' | 'demo';
	stripe: Stripe;
	webhookSecret: string;
	graceDays: number;
	/** Demo payments only: Stripe's side, to complete checkouts and renew or fail payments. */
	fake?: FakeStripe;
	/** Demo payments only: stops the local stand-in's HTTP server (it would keep the process alive). */
	close?(): Promise<void>;
}

export interface StripeAddress {
	host: string;
	port: number;
	protocol: 'http' | 'https';
}

export function createStripeClient(secretKey: string, address?: StripeAddress): Stripe {
	return new Stripe(secretKey, {
		...(address ? { host: address.host, port: address.port, protocol: address.protocol } : {}),
		maxNetworkRetries: 2,
		telemetry: false,
		appInfo: { name: 'Encore' }
	});
}

export class PaymentsConfigError extends Error {}

/** Demo payments must never stand in for a live account in production. */
export function assertDemoAllowed(settings: { production: boolean; secretKey: string; demo: boolean }): void {
	if (settings.demo && settings.production && settings.secretKey.startsWith('sk_live'))
		throw new PaymentsConfigError(
			'Demo payments refuse to run in production with a live Stripe key: unset PATRONAGE_DEMO_PAYMENTS.'
		);
}

let current: Promise<Payments> | undefined;

export function getPayments(): Promise<Payments> {
	current ??= openPayments().catch((err) => {
		current = undefined;
		throw err;
	});
	return current;
}

/** At shutdown: closes what the payments opened (demo payments' local server). */
export async function closePayments(): Promise<void> {
	const opened = current;
	current = undefined;
	const payments = await opened?.catch(() => undefined);
	await payments?.close?.();
}

/** Tests (and scripts) bring their own. */
export function usePayments(payments: Payments): void {
	current = Promise.resolve(payments);
}

async function openPayments(): Promise<Payments> {
	assertDemoAllowed({
		production: config.production,
		secretKey: config.stripeSecretKey,
		demo: config.demoPayments
	});
	if (!config.demoPayments) {
		if (!config.stripeSecretKey) throw new Error('STRIPE_SECRET_KEY is not set');
		const address = config.stripeApiHost
			? {
					host: config.stripeApiHost,
					port: config.stripeApiPort || (config.stripeApiProtocol === 'http' ? 80 : 443),
					protocol: config.stripeApiProtocol
				}
			: undefined;
		return {
			mode: 'stripe',
			stripe: createStripeClient(config.stripeSecretKey, address),
			webhookSecret: config.stripeWebhookSecret,
			graceDays: config.patronageGraceDays
		};
	}
	const fake = createFakeStripe({
		store: databaseStore(getDb),
		checkoutUrl: (id) => `/account/billing/demo-checkout/${id}`,
		portalUrl: () => '/account/billing/demo-portal'
	});
	const server = await startFakeStripeServer(fake);
	return {
		mode: 'demo',
		stripe: createStripeClient('sk_test_demo_payments', {
			host: server.host,
			port: server.port,
			protocol: 'http'
		}),
		// Signed like Stripe's, with a secret that never leaves the process.
		webhookSecret: `whsec_demo_${randomBytes(24).toString('hex')}`,
		graceDays: config.patronageGraceDays,
		fake,
		close: () => server.close()
	};
}
