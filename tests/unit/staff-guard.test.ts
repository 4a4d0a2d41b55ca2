// Static check: every server entry point under src/routes/staff authorises itself.
// Layouts do not re-run on every request, so each load, action and handler must call the guard.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const STAFF_DIR = path.resolve('src/routes/staff');
const SERVER_FILE = /^\+(page|layout)\.server\.ts$|^\+server\.ts$/;
const GUARDS = new Set(['requireStaff', 'requireAdmin']);
const HANDLERS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'fallback']);

function serverFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && SERVER_FILE.test(e.name))
		.map((e) => path.join(e.parentPath, e.name))
		.sort();
}

function callsGuard(node: ts.Node): boolean {
	if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && GUARDS.has(node.expression.text))
		return true;
	return ts.forEachChild(node, callsGuard) ?? false;
}

function isFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
	return (
		ts.isArrowFunction(node) ||
		ts.isFunctionExpression(node) ||
		ts.isFunctionDeclaration(node) ||
		ts.isMethodDeclaration(node)
	);
}

/** Strips `satisfies`, `as` and parentheses around an exported value. */
function unwrap(node: ts.Expression): ts.Expression {
	while (ts.isSatisfiesExpression(node) || ts.isAsExpression(node) || ts.isParenthesizedExpression(node))
		node = node.expression;
	return node;
}

/** Each exported load, action and handler, with whether its own body calls the guard. */
export function entryPoints(source: string, fileName = 'file.ts'): { name: string; guarded: boolean }[] {
	const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const found: { name: string; guarded: boolean }[] = [];
	const check = (name: string, node: ts.Node | undefined) =>
		found.push({ name, guarded: !!node && isFunction(node) && !!node.body && callsGuard(node.body) });
	const exported = (node: ts.Node) =>
		ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

	for (const statement of file.statements) {
		if (!exported(statement)) continue;
		if (ts.isFunctionDeclaration(statement) && statement.name) {
			const name = statement.name.text;
			if (name === 'load' || HANDLERS.has(name)) check(name, statement);
		} else if (ts.isVariableStatement(statement)) {
			for (const decl of statement.declarationList.declarations) {
				if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
				const name = decl.name.text;
				const value = unwrap(decl.initializer);
				if (name === 'load' || HANDLERS.has(name)) check(name, value);
				else if (name === 'actions') {
					if (!ts.isObjectLiteralExpression(value)) {
						check('actions', undefined); // cannot see inside: treat as unguarded
						continue;
					}
					for (const prop of value.properties) {
						const key =
							prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))
								? prop.name.text
								: '?';
						if (ts.isPropertyAssignment(prop)) check(`actions.${key}`, unwrap(prop.initializer));
						else if (ts.isMethodDeclaration(prop)) check(`actions.${key}`, prop);
						else check(`actions.${key}`, undefined); // shorthand or spread: not checkable here
					}
				}
			}
		} else if (ts.isExportDeclaration(statement)) {
			// `export { load } from './x'` hides the body from this check.
			found.push({ name: statement.getText(), guarded: false });
		}
	}
	return found;
}

describe('the checker itself', () => {
	it('sees guarded and unguarded loads, actions and handlers', () => {
		const source = `
			export const load = (event) => { requireStaff(event); return {}; };
			export const actions = {
				publish: async (event) => { requireAdmin(event); },
				remove: async (event) => { const x = requireUser(event); },
				async archive(event) { requireStaff(event); }
			} satisfies Actions;
			export async function GET(event) { return new Response(); }
			export const POST: RequestHandler = async (event) => { if (requireStaff(event)) return json(1); };
			export const prerender = false;
			const helper = () => requireStaff(event);
		`;
		expect(entryPoints(source)).toEqual([
			{ name: 'load', guarded: true },
			{ name: 'actions.publish', guarded: true },
			{ name: 'actions.remove', guarded: false },
			{ name: 'actions.archive', guarded: true },
			{ name: 'GET', guarded: false },
			{ name: 'POST', guarded: true }
		]);
	});

	it('does not count a guard that is only mentioned, not called', () => {
		expect(entryPoints(`export const load = () => { const g = requireStaff; return {}; };`)).toEqual([
			{ name: 'load', guarded: false }
		]);
	});
});

describe('staff routes', () => {
	const files = serverFiles(STAFF_DIR);

	it('exist (the check below would pass vacuously otherwise)', () => {
		expect(files.length).toBeGreaterThan(0);
		expect(files.map((f) => path.relative(STAFF_DIR, f))).toContain('+layout.server.ts');
	});

	it.each(files.map((f) => [path.relative('src/routes', f), f]))(
		'%s calls requireStaff or requireAdmin in every load, action and handler',
		(_name, file) => {
			const entries = entryPoints(readFileSync(file, 'utf8'), file);
			const unguarded = entries.filter((e) => !e.guarded).map((e) => e.name);
			expect(unguarded).toEqual([]);
		}
	);
});
