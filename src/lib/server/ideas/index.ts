// The ideas face: fans' suggestions and their supporters; staff take one into a poll.
export * from './store';
export * from './text';
