// auth's face: sessions (Lucia-style tokens), passwords (argon2id), one-time email tokens, rate
// limits and the guards every load, action and endpoint calls. It imports no domain.
export * from './email-tokens';
export * from './guard';
export * from './password';
export * from './rate-limit';
export * from './session';
export * from './token';
export * from './users';
