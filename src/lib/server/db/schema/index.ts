// The whole schema, one module per capability so each can grow without touching the others.
// `drizzle-kit generate` reads this file (drizzle.config.ts); the app imports `$lib/server/db/schema`.
export * from './core';
export * from './patronage';
export * from './drops';
export * from './tickets';
export * from './polls';
export * from './privacy';
export * from './notifications';
export * from './members';
export * from './insights';
export * from './submissions';
