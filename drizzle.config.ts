import { defineConfig } from 'drizzle-kit';

// `drizzle-kit generate` needs no database: it diffs the schema against drizzle/.
export default defineConfig({
	schema: './src/lib/server/db/schema/index.ts',
	out: './drizzle',
	dialect: 'postgresql',
	casing: undefined
});
