// The setup face: what a fresh install does before its first visitor.
export * from './essentials';
export * from './wiring';
