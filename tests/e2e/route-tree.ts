// The route tree as the server sees it, read from src/routes: every page, its form actions, its
// endpoints' methods, its route parameters and the field names its forms send. The staff-only
// spec and the fuzz spec walk the same list, so neither can miss a route the other sees.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROUTES_DIR = path.resolve('src/routes');

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteNode {
	/** Absolute folder. */
	dir: string;
	/** Relative to src/routes, '.' for the root, e.g. 'staff/members/[id=int]'. */
	rel: string;
	/** Route parameters in order, without matchers: ['id']. */
	params: string[];
	page: boolean;
	/** Names of `export const actions = { … }` in +page.server.ts. */
	actions: string[];
	/** Methods exported by +server.ts. */
	handlers: Method[];
	/** `name="…"` attributes of the page's forms (its .svelte files and the components they import). */
	fields: string[];
	/** Query-string names its server code reads (`searchParams.get('x')`, `.has('x')`). */
	queryNames: string[];
}

/** A value each param matcher (src/params) accepts, for routes whose params do not matter. */
export const MATCHING: Record<string, string> = {
	int: '1',
	uuid: '00000000-0000-4000-8000-000000000000',
	slug: 'x',
	token: 'x'
};

/**
 * The URL of a route folder, each parameter filled by `fill(name, matcher)` (already URL-encoded;
 * by default a value its matcher accepts).
 */
export function urlOf(
	node: Pick<RouteNode, 'rel'>,
	fill: (param: string, matcher: string | undefined) => string = (_, m) => (m && MATCHING[m]) || '1'
): string {
	if (node.rel === '.') return '/';
	const segments = node.rel
		.split('/')
		.filter((s) => !/^\(.*\)$/.test(s))
		.map((s) =>
			s.replace(/\[(?:\.\.\.)?([^\]=]+)(?:=([^\]]+))?\]/g, (_, name: string, matcher?: string) =>
				fill(name, matcher)
			)
		);
	return '/' + segments.join('/');
}

/** The property names of `export const actions = { … }`. */
export function actionNames(source: string): string[] {
	const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const names: string[] = [];
	for (const statement of file.statements) {
		if (!ts.isVariableStatement(statement)) continue;
		for (const decl of statement.declarationList.declarations) {
			if (!ts.isIdentifier(decl.name) || decl.name.text !== 'actions' || !decl.initializer) continue;
			let value: ts.Expression = decl.initializer;
			while (
				ts.isSatisfiesExpression(value) ||
				ts.isAsExpression(value) ||
				ts.isParenthesizedExpression(value)
			)
				value = value.expression;
			if (!ts.isObjectLiteralExpression(value)) throw new Error('actions is not an object literal');
			for (const p of value.properties)
				if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) names.push(p.name.text);
		}
	}
	return names;
}

export function handlerNames(source: string): Method[] {
	return [
		...source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)
	].map((m) => m[1] as Method);
}

/** Static `name="x"` attributes; templated names (`name="weight-{rank}"`) keep their fixed prefix. */
function fieldNames(svelteSource: string): string[] {
	const names = new Set<string>();
	for (const m of svelteSource.matchAll(/\sname="([^"]+)"/g)) {
		const name = m[1].split('{')[0].split('$')[0];
		if (name && /^[\w:-]+$/.test(name)) names.add(name);
	}
	return [...names];
}

/** The page's .svelte files and the .svelte components they import (relative or $lib, one level). */
function formSources(dir: string): string[] {
	const own = readdirSync(dir)
		.filter((f) => f.endsWith('.svelte'))
		.map((f) => path.join(dir, f));
	const sources = own.map((f) => readFileSync(f, 'utf8'));
	for (const [i, source] of [...sources].entries()) {
		for (const m of source.matchAll(/from\s+'((?:\.{1,2}|\$lib)\/[^']+\.svelte)'/g)) {
			const file = m[1].startsWith('$lib/')
				? path.resolve('src/lib', m[1].slice(5))
				: path.resolve(path.dirname(own[i]), m[1]);
			if (existsSync(file)) sources.push(readFileSync(file, 'utf8'));
		}
	}
	return sources;
}

function queryNamesOf(source: string): string[] {
	return [...source.matchAll(/searchParams\.(?:get|has|getAll)\(\s*'([^']+)'/g)].map((m) => m[1]);
}

/** Every route folder under `root` (default: all of src/routes) that has a page or an endpoint. */
export function routeTree(root = ROUTES_DIR): RouteNode[] {
	const dirs = [
		root,
		...readdirSync(root, { recursive: true, withFileTypes: true })
			.filter((e) => e.isDirectory())
			.map((e) => path.join(e.parentPath, e.name))
	].sort();
	const nodes: RouteNode[] = [];
	for (const dir of dirs) {
		const files = readdirSync(dir);
		const page = files.includes('+page.svelte') || files.includes('+page.server.ts');
		const server = files.includes('+server.ts');
		if (!page && !server) continue;
		const rel = path.relative(ROUTES_DIR, dir) || '.';
		const pageServer = files.includes('+page.server.ts')
			? readFileSync(path.join(dir, '+page.server.ts'), 'utf8')
			: '';
		const endpoint = server ? readFileSync(path.join(dir, '+server.ts'), 'utf8') : '';
		const fields = new Set<string>();
		for (const source of formSources(dir)) for (const name of fieldNames(source)) fields.add(name);
		nodes.push({
			dir,
			rel,
			params: [...rel.matchAll(/\[(?:\.\.\.)?([^\]=]+)(?:=[^\]]+)?\]/g)].map((m) => m[1]),
			page,
			actions: pageServer ? actionNames(pageServer) : [],
			handlers: endpoint ? handlerNames(endpoint) : [],
			fields: [...fields].sort(),
			queryNames: [...new Set([...queryNamesOf(pageServer), ...queryNamesOf(endpoint)])].sort()
		});
	}
	return nodes;
}
