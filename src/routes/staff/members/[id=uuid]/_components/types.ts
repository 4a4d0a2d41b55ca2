// The member page's data, for its section components (the shapes come from the page's load).
import type { PageData } from '../$types';

export type Member = PageData['member'];
export type Errors = Record<string, string | undefined>;
export type Values = Record<string, string | undefined>;
/** A tier's name by rank, "—" for none. */
export type TierName = (rank: number | null | undefined) => string;
