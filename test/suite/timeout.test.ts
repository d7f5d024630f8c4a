import { describe, expect, it } from 'vitest';
import { formatDiagnostic, sortDiagnostics } from '../../src/model/diagnostics.js';
import type { CaseParams } from '../../src/model/suite-types.js';
import { compileSuites, loadSuiteText } from '../../src/suite/load-suite.js';

/** Every diagnostic of one suite text, as `file:line:col: message` lines, expanded with the given overrides. */
function problems(lines: readonly string[], overrides?: CaseParams): string[] {
  const loaded = loadSuiteText(lines.join('\n'), { file: 't.yml', lookupVariable: () => undefined });
  const compiled = compileSuites(loaded.suite === undefined ? [] : [loaded.suite], overrides === undefined ? {} : { overrides });
  return sortDiagnostics([...loaded.diagnostics, ...compiled.diagnostics]).map(formatDiagnostic);
}

describe('timeout: must cover what it caps', () => {
  it('refuses timeout 1s for a 1 s run, at the timeout value, with the least timeout that works', () => {
    const found = problems(['version: 1', 'name: t', 'tests:', '  - name: bulk', '    test: TCP_STREAM', '    duration: 1', '    timeout: 1s']);
    expect(found).toEqual([
      't.yml:7:14: timeout 1s cannot cover case t/bulk: each run takes 1 s (duration 1s), and netperf needs up to 5 s more to start, connect and report ' +
        '(timeout caps each run), so it would be killed and reported as a network failure; set timeout: 6s or more, or leave timeout out ' +
        '(each run then gets its length plus half again, at least 5 s)',
    ]);
    // exactly the minimum passes
    expect(problems(['version: 1', 'name: t', 'tests:', '  - name: bulk', '    test: TCP_STREAM', '    duration: 1', '    timeout: 6s'])).toEqual([]);
  });

  it('caps each run, warm-ups too, whatever the repeat, counting TCP_CRR’s extra, confidence iterations and the load lead', () => {
    const runs = problems([
      'version: 1',
      'name: t',
      'defaults: { duration: 2, timeout: 6s }',
      'tests:',
      '  - { name: rr, test: TCP_RR, warmup: 1, repeat: 3 }',
    ]);
    expect(runs).toEqual([
      expect.stringMatching(/^t\.yml:3:35: timeout 6s cannot cover case t\/rr: each run takes 2 s \(duration 2s\), .*set timeout: 7s or more/),
    ]);
    expect(
      problems(['version: 1', 'name: t', 'defaults: { duration: 2, timeout: 7s }', 'tests:', '  - { name: rr, test: TCP_RR, warmup: 1, repeat: 3 }']),
    ).toEqual([]);
    const crr = problems(['version: 1', 'name: t', 'tests:', '  - { name: crr, test: TCP_CRR, duration: 1, timeout: 9s }']);
    expect(crr).toEqual([
      expect.stringMatching(
        /^t\.yml:4:55: timeout 9s cannot cover case t\/crr: each run takes 5 s \(duration 1s \+ 4 s TCP_CRR adds\), .*set timeout: 10s or more/,
      ),
    ]);
    const confidence = problems([
      'version: 1',
      'name: t',
      'tests:',
      '  - { name: c, test: TCP_STREAM, duration: 1, confidence: { level: 99, iterations: [3, 4] }, timeout: 8s }',
    ]);
    expect(confidence).toEqual([expect.stringMatching(/each run takes 4 s \(duration 1s × up to 4 iterations of confidence\), .*set timeout: 9s or more/)]);
    const loaded = problems(['version: 1', 'name: t', 'tests:', '  - { name: l, test: TCP_RR, duration: 1, load: { test: TCP_STREAM }, timeout: 7s }']);
    expect(loaded).toEqual([expect.stringMatching(/each run takes 3 s \(duration 1s \+ the load's lead of 1 s on each side\), .*set timeout: 8s or more/)]);
  });

  it('in a compare: group, where timeout caps each run, needs one run only', () => {
    const suite = (timeout: string) => [
      'version: 1',
      'name: t',
      'servers: { other: { type: local } }',
      'tests:',
      '  - name: ab',
      '    test: TCP_STREAM',
      '    duration: 1',
      `    timeout: ${timeout}`,
      '    matrix: { server: [local, other] }',
      '    compare: { server: local }',
      '    regression: { throughput: 5% }',
    ];
    expect(problems(suite('6s'))).toEqual([]);
    expect(problems(suite('5s'))).toEqual([
      expect.stringMatching(
        /^t\.yml:8:14: timeout 5s cannot cover case t\/ab\[server=local\] \(and 1 other case it is too short for\): each run takes 1 s .*\(timeout caps each run\).*set timeout: 6s or more/,
      ),
    ]);
  });

  it('holds wherever timeout and duration come from: defaults, a matrix axis, an include, --duration and --repeat', () => {
    const suite = [
      'version: 1',
      'name: t',
      'defaults:',
      '  timeout: 8s',
      'tests:',
      '  - name: bulk',
      '    test: TCP_STREAM',
      '    matrix:',
      '      duration: [1, 2, 5]',
      '      include:',
      '        - { duration: 2, timeout: 3s }',
      '  - name: swept',
      '    test: TCP_RR',
      '    duration: 1',
      '    matrix:',
      '      timeout: [6s, 30s]',
    ];
    // the defaults' timeout is too short for the 5 s case only; the include's for the 2 s case; the axis's 6s is enough
    expect(problems(suite)).toEqual([
      expect.stringMatching(/^t\.yml:4:12: timeout 8s cannot cover case t\/bulk\[duration=5s\]: each run takes 5 s \(duration 5s\).*set timeout: 10s or more/),
      expect.stringMatching(
        /^t\.yml:11:35: timeout 3s cannot cover case t\/bulk\[duration=2s,timeout=3s\]: each run takes 2 s \(duration 2s\).*set timeout: 7s or more/,
      ),
    ]);
    // --duration 10 makes every timeout too short; the message says where the duration came from, one line per timeout
    const overridden = problems(
      [
        'version: 1',
        'name: t',
        'defaults: { timeout: 8s }',
        'tests:',
        '  - { name: bulk, test: TCP_STREAM, duration: 1 }',
        '  - { name: rr, test: TCP_RR, duration: 1 }',
        '  - { name: swept, test: TCP_RR, duration: 1, matrix: { timeout: [6s, 30s] } }',
      ],
      { duration: 10 },
    );
    expect(overridden).toEqual([
      expect.stringMatching(
        /^t\.yml:3:22: timeout 8s cannot cover case t\/bulk \(and 1 other case it is too short for\): each run takes 10 s \(duration 10s from --duration\).*set timeout: 15s or more/,
      ),
      expect.stringMatching(/^t\.yml:7:67: timeout 6s cannot cover case t\/swept\[timeout=6s\]: each run takes 10 s \(duration 10s from --duration\)/),
    ]);
    const repeated = problems(['version: 1', 'name: t', 'tests:', '  - { name: bulk, test: TCP_STREAM, duration: 1, timeout: 6s }'], { repeat: 3 });
    // timeout caps each run, so more runs need no longer a timeout
    expect(repeated).toEqual([]);
  });

  it('a default duration (10 s) counts too', () => {
    expect(problems(['version: 1', 'name: t', 'tests:', '  - { name: bulk, test: TCP_STREAM, timeout: 12s }'])).toEqual([
      expect.stringMatching(/each run takes 10 s \(duration 10s by default\).*set timeout: 15s or more/),
    ]);
  });
});
