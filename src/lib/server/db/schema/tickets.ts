// Tables for tickets. Shared columns and helpers come from ./core.
export {};
