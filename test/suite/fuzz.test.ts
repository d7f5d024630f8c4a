import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Diagnostic } from '../../src/model/diagnostics.js';
import { compileSuites, loadSuiteText } from '../../src/suite/load-suite.js';
import { projectRoot } from '../helpers.js';

/** What `perfsuite validate` does with one file's text, in-process: it must end in suites or located problems. */
function validateText(text: string): { ok: boolean; diagnostics: Diagnostic[]; ms: number } {
  const started = performance.now();
  const loaded = loadSuiteText(text, { file: 'fuzz.yml', lookupVariable: (name) => (name === 'SET' ? '5' : undefined) });
  const compiled = loaded.suite === undefined ? { cases: [], diagnostics: [] } : compileSuites([loaded.suite], { maxCases: 10_000 });
  const diagnostics = [...loaded.diagnostics, ...compiled.diagnostics];
  return { ok: diagnostics.length === 0, diagnostics, ms: performance.now() - started };
}

/** Every problem is located inside the text and says something. */
function expectLocated(text: string, diagnostics: readonly Diagnostic[]): void {
  const lines = text.split('\n').length;
  for (const d of diagnostics) {
    expect(d.loc.file).toBe('fuzz.yml');
    expect(d.loc.line).toBeGreaterThanOrEqual(1);
    expect(d.loc.line).toBeLessThanOrEqual(lines + 1);
    expect(d.loc.col).toBeGreaterThanOrEqual(1);
    expect(d.message.trim().length).toBeGreaterThan(10);
    expect(d.message).not.toMatch(/undefined|\[object Object\]|NaN/);
  }
}

const validFiles = [
  ...readdirSync(path.join(projectRoot, 'suites')).map((f) => path.join(projectRoot, 'suites', f)),
  ...readdirSync(path.join(projectRoot, 'test/fixtures/suites/valid')).map((f) => path.join(projectRoot, 'test/fixtures/suites/valid', f)),
].filter((f) => f.endsWith('.yml'));
const validTexts = validFiles.map((f) => readFileSync(f, 'utf8'));
const validTrees = validTexts.map((t) => parse(t) as unknown);

/** Values a suite might hold by mistake: every JSON type, suite-like words and numbers, and YAML's awkward strings. */
const oddValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      Number.MAX_VALUE,
      Infinity,
      '',
      ' ',
      '-x',
      '64K',
      '1X',
      '10ms',
      '>= 1 Gbit/s',
      '=> 5',
      'TCP_RR',
      'local',
      '${SET}',
      '${UNSET}',
      '${',
      '{a: b}',
      '[1, 2',
      'default',
      '1e9',
      '__proto__',
    ),
    fc.integer(),
    fc.string({ maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom('name', 'test', 'matrix', 'send_size', 'include', 'exclude', 'thresholds', 'regression', 'server', 'type', 'link', 'x', '__proto__'),
      tie('value'),
      { maxKeys: 3 },
    ),
  ),
})).value;

type Tree = unknown;
/** Every path into a tree: object keys and array indices. */
function pathsOf(tree: Tree, prefix: (string | number)[] = []): (string | number)[][] {
  if (tree === null || typeof tree !== 'object') return [prefix];
  const entries: [string | number, unknown][] = Array.isArray(tree) ? tree.map((v, i) => [i, v]) : Object.entries(tree as Record<string, unknown>);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function mutate(tree: Tree, at: (string | number)[], action: 'delete' | 'replace', value: unknown): Tree {
  const copy = structuredClone(tree) as Record<string | number, unknown>;
  if (at.length === 0) return value;
  let node: Record<string | number, unknown> = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = at[at.length - 1] ?? '';
  if (action === 'delete') {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** Inputs per property: enough for CI in seconds; PERFSUITE_FUZZ_RUNS=50000 for a long hunt. */
const RUNS = Number(process.env['PERFSUITE_FUZZ_RUNS'] ?? 1500);

// RUNS inputs a property: seconds of CPU, which on a busy machine can pass the 10 s a fast test gets
describe('bad suites, generated (fast-check)', { timeout: 60_000 }, () => {
  it('a valid suite with one part deleted or replaced by anything validates or gives located errors, never a crash', () => {
    fc.assert(
      fc.property(fc.nat(validTrees.length - 1), fc.nat(), fc.constantFrom('delete' as const, 'replace' as const), oddValue, (which, pick, action, value) => {
        const tree = validTrees[which];
        const paths = pathsOf(tree);
        const text = stringify(mutate(tree, paths[pick % paths.length] ?? [], action, value));
        const result = validateText(text);
        expectLocated(text, result.diagnostics);
        expect(result.ms).toBeLessThan(2_000);
      }),
      { numRuns: RUNS },
    );
  });

  it('a valid suite text with characters inserted or removed gives located errors, never a crash or a flood', () => {
    fc.assert(
      fc.property(
        fc.nat(validTexts.length - 1),
        fc.nat(),
        fc.nat(8),
        fc.string({
          minLength: 0,
          maxLength: 4,
          unit: fc.constantFrom(':', '{', '}', '[', ']', '-', ' ', '\n', '\t', '"', "'", '#', '&', '*', '>', '|', '%', '!', 'a', '1', '$'),
        }),
        (which, at, cut, inserted) => {
          const original = validTexts[which] ?? '';
          const position = at % (original.length + 1);
          const text = original.slice(0, position) + inserted + original.slice(position + cut);
          const result = validateText(text);
          expectLocated(text, result.diagnostics);
          expect(result.diagnostics.filter((d) => d.message.startsWith('YAML syntax')).length).toBeLessThanOrEqual(1);
          expect(result.ms).toBeLessThan(2_000);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('any YAML document at all gives a result or located errors', () => {
    fc.assert(
      fc.property(oddValue, (tree) => {
        const text = stringify(tree);
        const result = validateText(text);
        expectLocated(text, result.diagnostics);
      }),
      { numRuns: RUNS },
    );
  });
});
