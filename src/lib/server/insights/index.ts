// The insights face: the maturity metrics (their pure formulas and definitions), the period
// picker, the queries, the daily rollups that keep them fast, and each insight as a CSV download.
export * from './csv';
export * from './definitions';
export * from './metrics';
export * from './period';
export * from './queries';
export * from './rollup';
