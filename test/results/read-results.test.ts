import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultsFiles } from '../../src/results/read-results.js';
import { recordedSweep } from '../report/fixtures.js';

describe('reading results files', () => {
  it("parses each threshold's operator and limit from its expression in files written before they were stored", () => {
    const run = recordedSweep();
    const old = {
      ...run,
      suites: run.suites.map((s) => ({ ...s, cases: s.cases.map((c) => ({ ...c, thresholds: c.thresholds.map((t) => Object.fromEntries(Object.entries(t).filter(([key]) => key !== 'op' && key !== 'limit'))) })) })),
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-read-'));
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(old));
    const [read] = readResultsFiles(['results.json'], dir);
    const thresholds = read!.suites.flatMap((s) => s.cases.flatMap((c) => c.thresholds));
    expect(thresholds.length).toBeGreaterThan(0);
    expect(thresholds).toEqual(run.suites.flatMap((s) => s.cases.flatMap((c) => c.thresholds)));
  });

  it('names a threshold it cannot parse in an older file instead of making up a limit, exit 2', () => {
    const run = recordedSweep();
    const edited = {
      ...run,
      suites: run.suites.map((s) => ({ ...s, cases: s.cases.map((c) => ({ ...c, thresholds: c.thresholds.map((t) => ({ ...Object.fromEntries(Object.entries(t).filter(([key]) => key !== 'op' && key !== 'limit')), expression: 'lots' })) })) })),
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-read-'));
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(edited));
    expect(() => readResultsFiles(['results.json'], dir)).toThrow(/^results\.json: case sweep\/.*: threshold \w+: 'lots' cannot be read \(threshold 'lots' .*\); was the file edited by hand\?$/);
  });

  it('reads a bare number in a file of perfsuite 0.1.0 in the metric\'s own unit, as that version meant it', () => {
    const run = recordedSweep();
    const old = {
      ...run,
      suites: run.suites.map((s) => ({ ...s, cases: s.cases.map((c) => ({ ...c, thresholds: c.thresholds.map((t) => ({ ...Object.fromEntries(Object.entries(t).filter(([key]) => key !== 'op' && key !== 'limit')), expression: '>= 1000' })) })) })),
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-read-'));
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(old));
    const [read] = readResultsFiles(['results.json'], dir);
    const thresholds = read!.suites.flatMap((s) => s.cases.flatMap((c) => c.thresholds));
    expect(thresholds.length).toBeGreaterThan(0);
    expect(thresholds.every((t) => t.op === '>=' && t.limit === 1000)).toBe(true);
  });
});
