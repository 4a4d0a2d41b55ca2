// Tables for privacy (consents, deletion requests, retention). Shared columns and helpers come from ./core.
export {};
