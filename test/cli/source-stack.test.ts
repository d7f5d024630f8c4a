import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { sourceStack } from '../../src/cli/source-stack.js';
import { tempDir } from '../helpers.js';

describe('an unexpected error’s stack, mapped back to the sources', () => {
  it.each([
    { format: 'cjs' as const, file: 'main.cjs', frame: /main\.cjs:1:\d+/ },
    { format: 'esm' as const, file: 'main.js', frame: /file:\/\/\S+main\.js:1:\d+/ },
  ])('names the TypeScript line of each position in a minified $format bundle with a map beside it', async ({ format, file, frame }) => {
    const dir = tempDir('source-stack');
    const source = path.join(dir, 'src/boom.ts');
    mkdirSync(path.dirname(source));
    writeFileSync(
      source,
      ['export function outer(): void {', '  inner();', '}', '', 'function inner(): never {', "  throw new Error('boom');", '}', ''].join('\n'),
    );
    const out = path.join(dir, 'dist/bundle', file);
    // as scripts/bundle.mjs builds the CLI
    await build({
      entryPoints: [source],
      outfile: out,
      bundle: true,
      format,
      platform: 'node',
      minifyWhitespace: true,
      minifySyntax: true,
      keepNames: true,
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'error',
    });
    // a plain node runs it (vitest maps stacks itself)
    const load =
      format === 'cjs' ? `const { outer } = require(${JSON.stringify(out)});` : `const { outer } = await import(${JSON.stringify(pathToFileURL(out).href)});`;
    const stack = execFileSync(process.execPath, ['-e', `(async () => { ${load} try { outer(); } catch (error) { console.log(error.stack); } })()`], {
      encoding: 'utf8',
    });
    // the bundle's own positions: one line, so every frame says line 1
    expect(stack).toMatch(frame);
    const mapped = sourceStack(stack);
    expect(mapped).toContain(`at inner (${source}:6:9)`);
    expect(mapped).toContain(`at outer (${source}:2:3)`);
    expect(mapped).not.toMatch(frame);
  });

  it('leaves a position without a map as it was', () => {
    const stack =
      'Error: x\n    at f (file:///nowhere/perfsuite-no-such-file.js:3:4)\n    at g (/nowhere/perfsuite-no-such-file.cjs:1:2)\n    at node:internal/process/task_queues:95:5';
    expect(sourceStack(stack)).toBe(stack);
  });
});
