// Tables for patronage. Shared columns and helpers come from ./core.
export {};
