// The baseline the page bench compares Encore with: the smallest SvelteKit app on the same kit,
// adapter, Svelte and postgres.js (this checkout's node_modules), written out and built in a
// directory of its own. Two pages: one with no data, one with one Postgres query (a member's name
// by primary key, as a one-query app would), both rendered on the server by adapter-node.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const files: Record<string, string> = {
	'package.json': JSON.stringify({ name: 'bare', private: true, type: 'module' }),
	'svelte.config.js': `import adapter from '@sveltejs/adapter-node';
export default { kit: { adapter: adapter() } };
`,
	'vite.config.js': `import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
export default defineConfig({ plugins: [sveltekit()] });
`,
	'src/app.html': `<!doctype html>
<html lang="en">
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1" />
		%sveltekit.head%
	</head>
	<body>
		<div style="display: contents">%sveltekit.body%</div>
	</body>
</html>
`,
	'src/routes/+page.svelte': `<h1>Hello</h1>
<p>A bare SvelteKit page with no data.</p>
`,
	'src/routes/healthz/+server.js': `export const GET = () => new Response('ok');
`,
	'src/lib/server/db.js': `import postgres from 'postgres';
export const sql = postgres(process.env.DATABASE_URL, { max: 10, onnotice: () => {} });
`,
	'src/routes/query/+page.server.js': `import { sql } from '$lib/server/db';
const MEMBERS = Number(process.env.BARE_MEMBERS ?? 1000);
export async function load() {
	const n = 1 + Math.floor(Math.random() * MEMBERS);
	const [row] = await sql\`select display_name from users where id = md5('encore-bench-' || \${n}::text)::uuid\`;
	return { name: row?.display_name ?? null };
}
`,
	'src/routes/query/+page.svelte': `<script>
	let { data } = $props();
</script>

<h1>Hello {data.name}</h1>
<p>A bare SvelteKit page with one Postgres query.</p>
`
};

/** Writes and builds the bare app in `dir` (kept between runs: built once unless missing). */
export function buildBareApp(repo: string, dir: string): string {
	if (existsSync(path.join(dir, 'build', 'index.js'))) return dir;
	for (const [name, text] of Object.entries(files)) {
		mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
		writeFileSync(path.join(dir, name), text);
	}
	if (!existsSync(path.join(dir, 'node_modules')))
		symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
	const result = spawnSync('npx', ['vite', 'build'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
	if (result.status !== 0)
		throw new Error(`building the bare app failed:\n${result.stdout}\n${result.stderr}`);
	return dir;
}
