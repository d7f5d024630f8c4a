import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { fewRunsForBaseline } from '../../src/suite/few-runs.js';
import { compileSuites, loadSuiteText } from '../../src/suite/load-suite.js';

function warningsOf(yaml: string): string[] {
  const { suite, diagnostics } = loadSuiteText(yaml, { file: 's.yml', lookupVariable: () => undefined });
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  const suites = suite === undefined ? [] : [suite];
  return fewRunsForBaseline(suites, compileSuites(suites).cases).map(formatDiagnostic);
}

const group = (lines: string) => `version: 1\nname: s\ntests:\n  - name: bulk\n    test: TCP_STREAM\n    duration: 1s\n${lines}`;

describe('groups too short to compare with a baseline', () => {
  it('are named at their regression: line with what the test needs, when any case measures fewer runs a side', () => {
    expect(warningsOf(group('    matrix:\n      repeat: [5, 3]\n    regression:\n      throughput: 10%\n'))).toEqual([
      "s.yml:10:7: group 'bulk' measures 3 runs a case, and a comparison with a --baseline needs 5 a side to reach α = 0.01: every one would be inconclusive, however large the change; set repeat: 5 or more (the history's test and thresholds do not need it)",
    ]);
    expect(warningsOf(group('    regression:\n      throughput: 10%\n'))[0]).toContain("group 'bulk' measures 1 run a case");
  });

  it('leave alone enough runs, no regression:, a learned (auto) tolerance, and compare: groups', () => {
    expect(warningsOf(group('    repeat: 5\n    regression:\n      throughput: 10%\n'))).toEqual([]);
    expect(warningsOf(group('    repeat: 2\n'))).toEqual([]);
    expect(warningsOf(group('    repeat: 2\n    regression:\n      throughput: auto\n'))).toEqual([]);
    const ab = `version: 1\nname: s\nservers:\n  a: { type: local }\n  b: { type: local }\ntests:\n  - name: ab\n    test: TCP_RR\n    duration: 1s\n    repeat: { min: 3, max: 8 }\n    matrix:\n      server: [a, b]\n    compare: { server: a }\n    regression:\n      transaction_rate: 5%\n`;
    expect(warningsOf(ab)).toEqual([]);
  });
});
