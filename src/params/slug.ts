// `[slug=slug]`: an address made of letters, digits, dashes and underscores (drop and event slugs,
// metric names, demo checkout ids), at most 200 characters. NUL and other garbage are a 404.
import type { ParamMatcher } from '@sveltejs/kit';

export const match: ParamMatcher = (param) => /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/.test(param);
