// Calendar moments, a feature above loyalty and notifications: tier-lapse warnings,
// anniversaries and birthdays (with the bonus), each posted once per occasion.
export * from './scheduled';
