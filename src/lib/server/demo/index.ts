// The demo house's face: the fictional band, its accounts and a generated year of history.
export * from './history';
export * from './history-plan';
export * from './seed';
