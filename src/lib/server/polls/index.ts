// The polls face: co-creation polls and ballots (single, multiple, ranked with instant runoff),
// who may vote, the tallies, and the outcome posted when a poll closes.
export * from './ballot';
export * from './closing';
export * from './form';
export * from './rules';
export * from './store';
export * from './tally';
export * from './view';
