import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { sourceStack } from '../../src/cli/source-stack.js';
import { tempDir } from '../helpers.js';

describe('an unexpected error’s stack, mapped back to the sources', () => {
  it('names the line of the TypeScript source for each position in a minified bundle, as the bundle script builds it', async () => {
    const dir = tempDir('source-stack');
    const source = path.join(dir, 'src/boom.ts');
    mkdirSync(path.dirname(source));
    writeFileSync(
      source,
      ['export function outer(): void {', '  inner();', '}', '', 'function inner(): never {', "  throw new Error('boom');", '}', ''].join('\n'),
    );
    const out = path.join(dir, 'dist/bundle/boom.js');
    await build({
      entryPoints: [source],
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      minifyWhitespace: true,
      minifySyntax: true,
      keepNames: true,
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'error',
    });
    // a plain node runs it (vitest maps stacks itself)
    const stack = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { outer } from ${JSON.stringify(pathToFileURL(out).href)}; try { outer(); } catch (error) { console.log(error.stack); }`,
      ],
      {
        encoding: 'utf8',
      },
    );
    // the bundle's own positions: one line, so every frame says line 1
    expect(stack).toMatch(/boom\.js:1:\d+/);
    const mapped = sourceStack(stack);
    expect(mapped).toContain(`at inner (${source}:6:9)`);
    expect(mapped).toContain(`at outer (${source}:2:3)`);
    expect(mapped).not.toMatch(/boom\.js:/);
  });

  it('leaves a position without a map as it was', () => {
    const stack = 'Error: x\n    at f (file:///nowhere/perfsuite-no-such-file.js:3:4)\n    at node:internal/process/task_queues:95:5';
    expect(sourceStack(stack)).toBe(stack);
  });
});
