// The drops face: exclusive content with its one access rule, the staff editor and media, the
// fan feed and pages, scheduled releases and the private Atom feed.
export * from './access';
export * from './editor';
export * from './fan';
export * from './feed';
export * from './form';
export * from './markdown';
export * from './media';
export * from './releases';
export * from './serve-media';
export * from './store';
export * from './upload-rules';
