// The advisory board's face: boards with seats, invitations from a segment (seats never
// overfill), discussion and sessions.
export * from './form';
export * from './store';
