import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGlobs } from '../../src/cli/read-suites.js';
import { tempDir } from '../helpers.js';

describe('suite file globs', () => {
  const dir = tempDir('globs');
  for (const file of [
    'suites/a.yml',
    'suites/b.yml',
    'suites/nested/c.yml',
    'suites/we{ird}.yml',
    'suites/.hidden.yml',
    'other/d.yaml',
    'node_modules/dep/suites/e.yml',
  ]) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), '');
  }

  it('expands *, **, ?, [...] and nested braces, sorted, each file once', () => {
    expect(expandGlobs(['other/?.yaml'], dir).files).toEqual(['other/d.yaml']);
    expect(expandGlobs(['suites/*.yml', 'suites/a.yml'], dir)).toEqual({ files: ['suites/a.yml', 'suites/b.yml', 'suites/we{ird}.yml'], unmatched: [] });
    expect(expandGlobs(['**/*.y*ml'], dir).files).toEqual(['other/d.yaml', 'suites/a.yml', 'suites/b.yml', 'suites/nested/c.yml', 'suites/we{ird}.yml']);
    expect(expandGlobs(['suites/{a,nested/{c,x}}.yml'], dir).files).toEqual(['suites/a.yml', 'suites/nested/c.yml']);
    expect(expandGlobs(['suites/[ab].yml'], dir).files).toEqual(['suites/a.yml', 'suites/b.yml']);
  });

  it('takes a backslash-escaped brace literally, and gives absolute paths for absolute patterns', () => {
    expect(expandGlobs(['suites/we\\{ird\\}.yml'], dir).files).toEqual(['suites/we{ird}.yml']);
    expect(expandGlobs([`${dir}/suites/*.yml`], '/').files).toEqual([`${dir}/suites/a.yml`, `${dir}/suites/b.yml`, `${dir}/suites/we{ird}.yml`]);
  });

  it('leaves out node_modules and dot-files, and keeps a leading ./ as written', () => {
    expect(expandGlobs(['**/e.yml', 'suites/.*.yml'], dir)).toEqual({ files: ['suites/.hidden.yml'], unmatched: ['**/e.yml'] });
    expect(expandGlobs(['./suites/[ab].yml'], dir).files).toEqual(['./suites/a.yml', './suites/b.yml']);
  });

  it('passes plain paths through and names the patterns that matched nothing', () => {
    expect(expandGlobs(['missing.yml', 'nowhere/*.yml'], dir)).toEqual({ files: ['missing.yml'], unmatched: ['nowhere/*.yml'] });
  });
});

describe('--var', () => {
  it('records every ${NAME} a suite used with the value it got, and refuses a --var no suite uses, with a did-you-mean', async () => {
    const { load } = await import('../helpers.js');
    const { UsageError } = await import('../../src/model/errors.js');
    const file = 'test/fixtures/suites/valid/ab-shaped.yml';
    expect(load([file]).suites[0]?.variables).toEqual({ HEAD_RATE: '95mbit' });
    expect(load([file], { variables: { HEAD_RATE: '90mbit' } }).suites[0]?.variables).toEqual({ HEAD_RATE: '90mbit' });
    expect(() => load([file], { variables: { HEAD_RAET: '90mbit' } })).toThrow(UsageError);
    expect(() => load([file], { variables: { HEAD_RAET: '90mbit' } })).toThrow(
      /^--var HEAD_RAET is not used by any suite; did you mean HEAD_RATE\?\n\(these suites use HEAD_RATE; a misspelt --var would leave the suite on its default, so it is refused\)$/,
    );
  });
});
