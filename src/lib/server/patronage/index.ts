// The patronage face: paid tiers through Stripe (checkout, billing portal, webhooks), the paid
// tier clock, complimentary tiers, payments, prices, and demo payments without keys.
export * from './access';
export * from './billing';
export * from './checkout';
export * from './comps';
export * from './demo';
export * from './due-work';
export * from './fake-stripe/api';
export * from './fake-stripe/server';
export * from './fake-stripe/store';
export * from './paid-tier';
export * from './patrons';
export * from './payments';
export * from './prices';
export * from './subscriptions';
export * from './webhook';
