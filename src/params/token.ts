// `[token=token]`: a signed or random token from a link (email verification, password reset,
// unsubscribe, feed keys, media file names): URL-safe characters and dots, at most 512.
import type { ParamMatcher } from '@sveltejs/kit';

export const match: ParamMatcher = (param) => /^[\w.~-]{1,512}$/.test(param);
