// A field's hint and error are tied to its control by id: `${id}-hint`, `${id}-error`.
export function describedBy(
	id: string | null | undefined,
	hint?: string,
	error?: string
): string | undefined {
	return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}
