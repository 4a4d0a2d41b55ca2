// The whole schema, one module per domain so each can grow without touching the others.
// `drizzle-kit generate` reads this file (drizzle.config.ts); the app imports `$lib/server/db/schema`.
export * from './accounts';
export * from './house';
export * from './loyalty';
export * from './partners';
export * from './messages';
export * from './notifications';
export * from './patronage';
export * from './drops';
export * from './tickets';
export * from './polls';
export * from './ideas';
export * from './board';
export * from './privacy';
export * from './members';
export * from './insights';
export * from './submissions';
export * from './feedback';
export * from './home';
export * from './churn';
