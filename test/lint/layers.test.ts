import path from 'node:path';
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS, layersPlugin } from '../../lint/layers.js';
import { projectRoot } from '../helpers.js';

RuleTester.describe = describe;
RuleTester.it = it;

const src = '/project/src';
const at = (folderFile: string) => ({ filename: `${src}/${folderFile}`, options: [{ src }] });
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });

describe('the layer rule (docs/architecture.md, "The layers")', () => {
  tester.run('perfsuite/layers', layersPlugin.rules.layers, {
    valid: [
      { code: "import { main } from './main.js';", ...at('cli/run.ts') },
      { code: "import { runCases } from '../run/run-cases.js';", ...at('cli/run.ts') },
      { code: "import type { ServerPool } from '../model/seams.js';", ...at('exec/server-pool.ts') },
      { code: "import { median } from '../stats/summary.js';", ...at('compare/compare-runs.ts') },
      { code: "export { median } from '../stats/summary.js';", ...at('thresholds/x.ts') },
      { code: "const m = await import('../report/render-junit.js');", ...at('cli/report.ts') },
      { code: "import { spawn } from 'node:child_process';", ...at('exec/x.ts') },
    ],
    invalid: [
      { code: "import type { CliIo } from '../cli/io.js';", ...at('model/x.ts'), errors: [{ messageId: 'up' }] },
      { code: "import { shellQuote } from '../report/format.js';", ...at('exec/ssh.ts'), errors: [{ messageId: 'sideways' }] },
      { code: "import { compare } from '../compare/compare-runs.js';", ...at('results/x.ts'), errors: [{ messageId: 'sideways' }] },
      { code: "import { median } from '../run/aggregate.js';", ...at('thresholds/x.ts'), errors: [{ messageId: 'up' }] },
      { code: "export * from '../suite/types.js';", ...at('netperf/x.ts'), errors: [{ messageId: 'up' }] },
      { code: "const m = await import('../exec/x.js');", ...at('run/x.ts'), errors: [{ messageId: 'up' }] },
      { code: "import { x } from '../misc/x.js';", ...at('run/x.ts'), errors: [{ messageId: 'unknown' }] },
      { code: "import { x } from './cli/main.js';", ...at('index.ts'), errors: [{ messageId: 'unknown' }] },
    ],
  });

  it("is the picture docs/architecture.md's 'How the code is laid out' shows, line by line", async () => {
    const { readFileSync } = await import('node:fs');
    const architecture = readFileSync(path.join(projectRoot, 'docs/architecture.md'), 'utf8');
    const section = architecture.slice(architecture.indexOf('### How the code is laid out'));
    const picture = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const lines = picture
      .split('\n')
      .filter((line) => /^[a-z]/.test(line))
      .map((line) => line.split(/\s{2,}/)[0]?.split(' | ') ?? []);
    expect(lines).toEqual(LAYERS);
  });

  it('lists every folder of src/ exactly once', async () => {
    const { readdirSync } = await import('node:fs');
    const folders = readdirSync(path.join(projectRoot, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const listed = LAYERS.flat();
    expect(new Set(listed).size).toBe(listed.length);
    expect(folders.filter((f) => !listed.includes(f))).toEqual([]);
  });

  /** The project's own lint config on a file's text, as `npm run lint` would see it there (only the import rules). */
  async function lintAt(file: string, text: string): Promise<string[]> {
    const eslint = new ESLint({
      cwd: projectRoot,
      // the text is not on disk, so the type-aware rules (and the project service they need) stay out
      overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
      ruleFilter: ({ ruleId }) => ruleId === 'perfsuite/layers' || ruleId.startsWith('import-x/'),
    });
    const [result] = await eslint.lintText(text, { filePath: path.join(projectRoot, file) });
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
  }

  it('fails `npm run lint` on an import that runs up the layers, naming the rule and the way down', async () => {
    const messages = await lintAt('src/model/probe.ts', "import type { CliIo } from '../cli/main.js';\nexport type Io = CliIo;\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^perfsuite\/layers: src\/model\/ may not import src\/cli\/ \(\.\.\/cli\/main\.js\): .* cli → exec\|report → run → .* → model/);
  });

  it('fails `npm run lint` on files of one folder that import each other in a circle', async () => {
    // run-cases.ts imports aggregate.ts (through measure-run.ts), so aggregate.ts importing run-cases.ts closes a circle
    const messages = await lintAt('src/run/aggregate.ts', "import { runCases } from './run-cases.js';\nexport const probe = runCases;\n");
    expect(messages.join('\n')).toMatch(/^import-x\/no-cycle: Dependency cycle (detected|via)/m);
  });

  it('passes the code as it is', async () => {
    const { readFileSync } = await import('node:fs');
    expect(await lintAt('src/run/aggregate.ts', readFileSync(path.join(projectRoot, 'src/run/aggregate.ts'), 'utf8'))).toEqual([]);
  });
});
