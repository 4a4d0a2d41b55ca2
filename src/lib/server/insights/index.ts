// The insights face: the maturity metrics (their pure formulas and definitions), the period
// picker, the queries and the daily rollups that keep them fast.
export * from './definitions';
export * from './metrics';
export * from './period';
export * from './queries';
export * from './rollup';
