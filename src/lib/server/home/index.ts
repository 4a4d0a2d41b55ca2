// The personal home's face: a member's "New for you", "Your turn" and recent moments on /me,
// each item with the few words that say why it is there.
export * from './reasons';
export * from './store';
