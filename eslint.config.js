import prettier from 'eslint-config-prettier';
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// The floors of src/lib/server (ARCHITECTURE.md): each low floor names everything it may import
// from the rest of the server; anything else fails the lint. Features above them are free to use
// the floors below, through each domain's face.
const PLATFORM = [
	'config',
	'log',
	'cache',
	'audit',
	'secrets',
	'house',
	'house-time',
	'forms',
	'csrf',
	'csv',
	'jobs',
	'http',
	'submit-once'
];
const FLOORS = {
	db: { may: ['config', 'log'], why: 'db is the ground floor: it imports no domain' },
	auth: {
		may: ['db', ...PLATFORM],
		why: 'auth keeps sessions, passwords, tokens, rate limits and guards: it imports no domain'
	},
	loyalty: {
		may: ['db', 'auth', ...PLATFORM],
		why: 'loyalty is the floor every feature writes into: it imports no feature (announce a tier change through loyalty/tier-events instead)'
	},
	notifications: {
		may: ['db', 'auth', 'loyalty', ...PLATFORM],
		why: 'notifications is one wing under the features: features call it, it calls no feature'
	}
};
/** The app level: only hooks, routes, scripts and the demo may use these. */
const APP = ['demo', 'setup', 'scheduled-work'];
const alt = (names) => names.join('|');

/** no-restricted-imports patterns for a file `depth` folders below src/lib/server. */
function floorPatterns(floor, { may, why }, depth) {
	const up = '\\.\\./'.repeat(depth);
	const allowed = alt([floor, ...may]);
	return [
		// A sibling floor by a relative path, or the same through $lib.
		{ regex: `^${up}(?!(${allowed})(/|\\.ts$|$))[\\w-]`, message: `${why}.` },
		{ regex: `^\\$lib/server/(?!(${allowed})(/|$))`, message: `${why}.` }
	];
}

const floorRules = Object.entries(FLOORS).flatMap(([floor, rule]) =>
	[1, 2].map((depth) => ({
		files: [`src/lib/server/${floor}/${'*/'.repeat(depth - 1)}*.ts`],
		rules: { 'no-restricted-imports': ['error', { patterns: floorPatterns(floor, rule, depth) }] }
	}))
);

const appRules = [0, 1, 2].map((depth) => ({
	// Domains may use every floor below them, never the app level above them.
	files: [`src/lib/server/${'*/'.repeat(depth)}*.ts`],
	ignores: APP.flatMap((a) => [`src/lib/server/${a}/**`, `src/lib/server/${a}.ts`]),
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						regex: `^(${depth ? '\\.\\./'.repeat(depth) : '\\./'}|\\$lib/server/)(${alt(APP)})(/|$)`,
						message:
							'The app level (demo, setup, scheduled work) calls the domains, never the other way round.'
					}
				]
			}
		]
	}
}));

const boundaries = [
	...appRules,
	...floorRules,
	{
		files: ['src/routes/**/*.ts', 'src/routes/**/*.svelte', 'src/hooks.server.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '^\\$lib/server/[^/]+/(?!schema$)',
							message:
								"Import the domain's face (`$lib/server/<domain>`), not one of its files: the face is what the domain promises."
						}
					]
				}
			]
		}
	},
	{
		files: [
			'src/lib/components/**',
			'src/lib/*.ts',
			'src/lib/insights/**',
			'src/lib/pwa/**',
			'src/lib/scanner/**'
		],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '(^\\$lib/server|/server/)',
							allowTypeImports: true,
							message:
								'Shared UI and browser code cannot reach server code (SvelteKit would refuse to bundle it): pass data in as props.'
						}
					]
				}
			]
		}
	},
	{
		files: ['src/lib/components/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '(^\\$lib/server|/server/)',
							message:
								'A component under src/lib/components never imports $lib/server, not even a type: pass data in as props.'
						}
					]
				}
			]
		}
	}
];

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'data/',
			'test-results/',
			'playwright-report/',
			'drizzle/meta/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			// typescript-eslint recommends turning this off in TypeScript projects
			'no-undef': 'off',
			// Encore is served at the root (no kit.paths.base), so plain hrefs are correct.
			'svelte/no-navigation-without-resolve': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
		}
	},
	...boundaries,
	{
		// Forms are read through one entry point that answers malformed bodies with a 400.
		files: ['src/routes/**'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: "CallExpression[callee.property.name='formData']",
					message:
						"Read forms with readForm(event) from '$lib/server/http/form-body': request.formData() turns a malformed body into a 500."
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	}
);
