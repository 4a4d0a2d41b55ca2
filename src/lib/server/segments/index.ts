// The segments face: the conditions that pick members (tier, points, engagement, tenure, voted,
// checked in) as a pure filter and as SQL.
export * from './filter';
export * from './query';
