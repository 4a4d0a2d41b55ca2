// The accounts domain's face: the journeys a person takes with their account (sign up, sign in,
// reset or change a password, verify an email), composed from auth's primitives.
export * from './email-verification';
export * from './form';
export * from './passwords';
export * from './session-start';
export * from './sign-in';
export * from './sign-up';
export * from './profile';
