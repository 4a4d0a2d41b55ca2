// loyalty's face, the floor every feature writes into: the engine (the one way into the ledger),
// the ladder and rules stores, standing and progress, the member card, and the tier-up
// announcement features listen to (tier-events). It imports no feature.
export * from './adjust';
export * from './default-ladder';
export * from './earning';
export * from './engine';
export * from './judge';
export * from './ladder-admin';
export * from './ladder-store';
export * from './ladder';
export * from './member-card';
export * from './optimistic';
export * from './progress';
export * from './rebuild';
export * from './rules-admin';
export * from './rules-store';
export * from './standing';
export * from './tier-events';
export * from './tier-state';
export * from './visit';
