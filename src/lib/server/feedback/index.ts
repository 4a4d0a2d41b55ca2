// The feedback face: one-tap questions after the moments that matter (check-in, presale, drop,
// cancellation, the relationship survey), signed answer links, the answers and what staff see.
export * from './due-work';
export * from './form';
export * from './rules';
export * from './segments';
export * from './stats';
export * from './store';
export * from './token';
export * from './tables';
