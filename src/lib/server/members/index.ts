// The members face: the staff directory (filters, sorting, CSV), each member's page and its
// staff actions, the activity summary behind them, and the audit log's words.
export * from './actions';
export * from './activity';
export * from './audit-log';
export * from './audit-text';
export * from './filter';
export * from './overview';
export * from './member-page';
export * from './query';
