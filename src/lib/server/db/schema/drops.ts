// Tables for drops. Shared columns and helpers come from ./core.
export {};
