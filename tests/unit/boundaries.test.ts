// The walls of the house are lint rules (eslint.config.js, ARCHITECTURE.md): each is shown to fail
// on a deliberate violation, and to pass the same import where the floors allow it.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, { filePath });
	return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: { rule: string; file: string; bad: string; good: string; says: RegExp }[] = [
	{
		rule: 'loyalty imports no feature',
		file: 'src/lib/server/loyalty/zz-check.ts',
		bad: "import { admitPresaleCode } from '../door';\nexport const x = admitPresaleCode;\n",
		good: "import { audit } from '../audit';\nexport const x = audit;\n",
		says: /loyalty is the floor/
	},
	{
		rule: 'loyalty imports no feature, by $lib either',
		file: 'src/lib/server/loyalty/zz-check.ts',
		bad: "import { postMoments } from '$lib/server/notifications';\nexport const x = postMoments;\n",
		good: "import { getDb } from '$lib/server/db';\nexport const x = getDb;\n",
		says: /loyalty is the floor/
	},
	{
		rule: 'loyalty may use every platform module, house time and the CSV writer too',
		file: 'src/lib/server/loyalty/zz-check.ts',
		bad: "import { parseDropForm } from '../drops';\nexport const x = parseDropForm;\n",
		good: "import { csvRow } from '../csv';\nimport { startOfDay } from '../house-time';\nexport const x = [csvRow, startOfDay];\n",
		says: /loyalty is the floor/
	},
	{
		rule: 'db imports no domain',
		file: 'src/lib/server/db/schema/zz-check.ts',
		bad: "import type { AccessDrop } from '../../drops';\nexport type X = AccessDrop;\n",
		good: "import { users } from './accounts';\nexport const x = users;\n",
		says: /db is the ground floor/
	},
	{
		rule: 'notifications calls no feature',
		file: 'src/lib/server/notifications/moments/zz-check.ts',
		bad: "import { getPoll } from '../../polls';\nexport const x = getPoll;\n",
		good: "import { loadLadder } from '../../loyalty';\nexport const x = loadLadder;\n",
		says: /notifications is one wing/
	},
	{
		rule: 'auth imports no domain',
		file: 'src/lib/server/auth/zz-check.ts',
		bad: "import { recordEngagement } from '../loyalty';\nexport const x = recordEngagement;\n",
		good: "import { config } from '../config';\nexport const x = config;\n",
		says: /auth keeps sessions/
	},
	{
		rule: 'domains never call the app level',
		file: 'src/lib/server/tickets/zz-check.ts',
		bad: "import { seedDemo } from '../demo';\nexport const x = seedDemo;\n",
		good: "import { recordEngagement } from '../loyalty';\nexport const x = recordEngagement;\n",
		says: /app level/
	},
	{
		rule: "routes import a domain's face",
		file: 'src/routes/zz-check/+page.server.ts',
		bad: "import { parseDropForm } from '$lib/server/drops/form';\nexport const x = parseDropForm;\n",
		good: "import { parseDropForm } from '$lib/server/drops';\nexport const x = parseDropForm;\n",
		says: /domain's face/
	},
	{
		// A .ts beside the components: a virtual .svelte file is outside the type-aware parser's project.
		rule: 'components never import server code, not even a type',
		file: 'src/lib/components/zz-check.ts',
		bad: "import type { Standing } from '$lib/server/loyalty';\nexport type X = Standing;\n",
		good: "import { formatMoney } from '$lib/format';\nexport const x = formatMoney;\n",
		says: /never imports \$lib\/server/
	}
];

describe('architecture rules (eslint no-restricted-imports)', () => {
	// Loading the config and its parsers is the slow part: once, with room for a busy machine.
	beforeAll(() => eslint.calculateConfigForFile('src/lib/server/loyalty/engine.ts'), 60_000);
	for (const c of cases) {
		it(`${c.rule}: fails on a violation, passes where allowed`, { timeout: 30_000 }, async () => {
			const bad = await restricted(c.file, c.bad);
			expect(bad).toHaveLength(1);
			expect(bad[0]).toMatch(c.says);
			expect(await restricted(c.file, c.good)).toEqual([]);
		});
	}
});
