// The partners face: API keys for box office, shop and streaming systems, and the engagement they
// send in (batches, each item with its own idempotency key).
export * from './api-keys';
export * from './ingest';
