// The privacy face: consents, the personal data policy over the whole schema, export, account
// deletion (with the hooks other domains register) and retention.
export * from './account-page';
export * from './consents';
export * from './delete-account';
export * from './hooks';
export * from './member-data';
export * from './messages';
export * from './policy';
export * from './retention-rules';
export * from './retention';
export * from './schema-scan';
export * from './scrub';
export * from './tombstones';
