// The notifications wing's face: `notify` is the one way to tell a member something (inbox first,
// then email and push as they chose); moments word it, the dispatcher delivers it, the mail outbox
// and Web Push carry it. Features call it; it calls no feature.
export * from './deliveries';
export * from './dispatch';
export * from './inbox';
export * from './kinds';
export * from './mail/outbox';
export * from './mail/templates';
export * from './moments/catalogue';
export * from './moments/post';
export * from './moments/tier-up';
export * from './push';
export * from './unsubscribe';
