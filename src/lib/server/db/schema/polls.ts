// Tables for polls. Shared columns and helpers come from ./core.
export {};
