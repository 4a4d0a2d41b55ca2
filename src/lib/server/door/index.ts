// The venue door's face: a member card or a presale code scanned by staff becomes a check-in
// (points once a day) and, for a code, an admission. Sits above loyalty and tickets.
export * from './check-in';
export * from './presale-code';
export * from './scanned-code';
