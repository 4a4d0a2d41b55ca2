// The http face: reading request bodies safely (readForm: one entry point for every form action),
// refusing malformed URLs, and turning database errors that mean bad input into a 4xx.
export * from './bad-input';
export * from './form-body';
export * from './url-check';
