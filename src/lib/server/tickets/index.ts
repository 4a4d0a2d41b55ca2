// The tickets face: events and presale windows (first come or draw), claims and their codes,
// inventory that never oversells, and the draws at close.
export * from './calendar';
export * from './claim-points';
export * from './claims';
export * from './codes';
export * from './draw';
export * from './draws';
export * from './form';
export * from './inventory';
export * from './store';
export * from './window-state';
