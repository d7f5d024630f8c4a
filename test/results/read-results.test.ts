import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { applyBaseline } from '../../src/compare/compare-runs.js';
import type { RegressionOutcome, RunResult } from '../../src/model/results.js';
import { readResultsFiles } from '../../src/results/read-results.js';
import { EVIDENCE, METRIC_NAMES } from '../../src/model/metrics.js';
import { projectRoot, tempDir } from '../helpers.js';
import { recordedSweep, sweepAndBaseline } from '../report/fixtures.js';

describe('reading results files', () => {
  it('reads a killed run (results.json still running) with its journal: every finished case, in planned order, a torn last line left out', () => {
    const run = recordedSweep();
    const cases = run.suites[0]?.cases ?? [];
    expect(cases.length).toBeGreaterThan(3);
    const [first, second, third] = cases;
    // results.json was last rewritten after the first case; the journal has all three, the third twice cut short
    const snapshot: RunResult = {
      ...run,
      state: 'running',
      selection: { filters: [], matched: cases.length, of: cases.length, plannedCases: cases.map((c) => c.id) },
      suites: [{ ...run.suites[0]!, cases: [first!] }],
    };
    const dir = tempDir('journal');
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(snapshot));
    const lines = [third, first, second].map((c) => JSON.stringify(c));
    writeFileSync(path.join(dir, 'results.journal.jsonl'), `${lines.join('\n')}\n${lines[0]?.slice(0, 40) ?? ''}`);
    const [read] = readResultsFiles(['results.json'], dir);
    expect(read?.suites[0]?.cases.map((c) => c.id)).toEqual([first?.id, second?.id, third?.id]);
    // a finished run's results.json holds everything: a journal left beside it is not read
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ ...snapshot, state: 'complete' }));
    expect(readResultsFiles(['results.json'], dir)[0]?.suites[0]?.cases).toHaveLength(1);
  });

  it("parses each threshold's operator and limit from its expression in files written before they were stored", () => {
    const run = recordedSweep();
    const old = {
      ...run,
      suites: run.suites.map((s) => ({
        ...s,
        cases: s.cases.map((c) => ({
          ...c,
          thresholds: c.thresholds.map((t) => Object.fromEntries(Object.entries(t).filter(([key]) => key !== 'op' && key !== 'limit'))),
        })),
      })),
    };
    const dir = tempDir('read');
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
      suites: run.suites.map((s) => ({
        ...s,
        cases: s.cases.map((c) => ({
          ...c,
          thresholds: c.thresholds.map((t) => ({
            ...Object.fromEntries(Object.entries(t).filter(([key]) => key !== 'op' && key !== 'limit')),
            expression: 'lots',
          })),
        })),
      })),
    };
    const dir = tempDir('read');
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(edited));
    expect(() => readResultsFiles(['results.json'], dir)).toThrow(
      /^results\.json: case sweep\/.*: threshold \w+: 'lots' cannot be read \(threshold 'lots' .*\); was the file edited by hand\?$/,
    );
  });

  it("reads a bare number in a file of perfsuite 0.1.0 in the metric's own unit, as that version meant it", () => {
    const run = recordedSweep();
    const old = {
      ...run,
      suites: run.suites.map((s) => ({
        ...s,
        cases: s.cases.map((c) => ({
          ...c,
          thresholds: c.thresholds.map((t) => ({
            ...Object.fromEntries(Object.entries(t).filter(([key]) => key !== 'op' && key !== 'limit')),
            expression: '>= 1000',
          })),
        })),
      })),
    };
    const dir = tempDir('read');
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(old));
    const [read] = readResultsFiles(['results.json'], dir);
    const thresholds = read!.suites.flatMap((s) => s.cases.flatMap((c) => c.thresholds));
    expect(thresholds.length).toBeGreaterThan(0);
    expect(thresholds.every((t) => t.op === '>=' && t.limit === 1000)).toBe(true);
  });
});

describe('reading a results file of schemaVersion 1 with comparisons', () => {
  /**
   * Written by perfsuite before schemaVersion 2 (commit b5bb13e): `perfsuite compare baseline.json results.json --out …`
   * on the two runs of sweepAndBaseline() in test/report/fixtures.ts, so it holds every verdict that version wrote.
   */
  const file = 'test/fixtures/results/sweep.compared.v1.results.json';
  const raw = JSON.parse(readFileSync(path.join(projectRoot, file), 'utf8')) as {
    schemaVersion: number;
    suites: { cases: { id: string; regressions?: Record<string, unknown>[] }[] }[];
  };
  const rawOutcome = (id: string, metric: string): Record<string, unknown> =>
    raw.suites[0]!.cases.find((c) => c.id === id)!.regressions!.find((r) => r['metric'] === metric)!;

  function read(): RunResult {
    const [result] = readResultsFiles([file], projectRoot);
    return result!;
  }

  function outcome(result: RunResult, id: string, metric: string): RegressionOutcome | undefined {
    return result.suites
      .flatMap((s) => s.cases)
      .find((c) => c.id === id)
      ?.regressions?.find((r) => r.metric === metric);
  }

  it('is a file of the old shape', () => {
    expect(raw.schemaVersion).toBe(1);
    expect(new Set(raw.suites[0]!.cases.flatMap((c) => (c.regressions ?? []).map((r) => r['verdict'])))).toEqual(
      new Set(['regressed', 'not-compared', 'within-tolerance', 'not-significant']),
    );
  });

  it("upgrades each regressions entry to today's shape: source baseline, against the baseline file, change a fraction", () => {
    const result = read();
    expect(result.schemaVersion).toBe(2);
    const old = rawOutcome('sweep/bulk[nodelay=false,send_size=1K]', 'throughput');
    expect(outcome(result, 'sweep/bulk[nodelay=false,send_size=1K]', 'throughput')).toEqual({
      source: 'baseline',
      against: 'baseline.json',
      metric: 'throughput',
      verdict: 'regressed',
      passed: false,
      change: expect.closeTo(-0.1667, 4) as number,
      p: (old['evidence'] as { pValue: number }).pValue,
      alpha: 0.01,
      method: 'mann-whitney-u',
      againstValue: old['baseline'],
      currentValue: old['current'],
      againstRuns: old['baselineRuns'],
      currentRuns: old['currentRuns'],
      tolerance: 0.05,
      file: 'test/fixtures/results/sweep.yml',
      line: 17,
    });
  });

  it('maps the old verdicts to the three-way words: within-tolerance is unchanged, not-significant is inconclusive', () => {
    const result = read();
    const verdicts = result.suites.flatMap((s) => s.cases.flatMap((c) => (c.regressions ?? []).map((r) => r.verdict)));
    expect(verdicts.filter((v) => v === 'regressed')).toHaveLength(6);
    expect(verdicts.filter((v) => v === 'unchanged')).toHaveLength(5);
    expect(verdicts.filter((v) => v === 'inconclusive')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'not-compared')).toHaveLength(2);
    expect(rawOutcome('sweep/rr[request_size=1K,test=UDP_RR]', 'transaction_rate')['verdict']).toBe('not-significant');
    expect(outcome(result, 'sweep/rr[request_size=1K,test=UDP_RR]', 'transaction_rate')).toMatchObject({
      verdict: 'inconclusive',
      passed: true,
      change: expect.closeTo(-0.0741, 4) as number,
      p: expect.closeTo(0.111, 3) as number,
    });
    expect(rawOutcome('sweep/rr[request_size=1,test=TCP_RR]', 'transaction_rate')['verdict']).toBe('within-tolerance');
    expect(outcome(result, 'sweep/rr[request_size=1,test=TCP_RR]', 'transaction_rate')).toMatchObject({ verdict: 'unchanged', passed: true, change: 0 });
    expect(outcome(result, 'sweep/udp[send_size=1K]', 'throughput')).toMatchObject({
      verdict: 'not-compared',
      passed: true,
      change: null,
      againstValue: null,
      note: 'the baseline has no case with this id',
    });
  });

  it('keeps loss in percentage points: its change is the old changePoints, its tolerance the old points', () => {
    const old = rawOutcome('sweep/udp[send_size=8K]', 'loss');
    expect(old).toMatchObject({ changePercent: 100, tolerancePercent: 1 });
    expect(outcome(read(), 'sweep/udp[send_size=8K]', 'loss')).toMatchObject({ verdict: 'unchanged', change: old['changePoints'], tolerance: 1 });
  });

  it('leaves nothing of the old shape: every entry is a regressions entry of schemaVersion 2', () => {
    const schema = JSON.parse(readFileSync(path.join(projectRoot, 'schemas/results.schema.json'), 'utf8')) as { $id: string };
    const validate = new Ajv({ allowUnionTypes: true, validateFormats: false }).addSchema(schema).getSchema(`${schema.$id}#/definitions/regressionOutcome`)!;
    expect(validate(rawOutcome('sweep/udp[send_size=8K]', 'loss'))).toBe(false);
    const outcomes = read().suites.flatMap((s) => s.cases.flatMap((c) => c.regressions ?? []));
    expect(outcomes).toHaveLength(14);
    for (const r of outcomes) expect(validate(r) ? '' : JSON.stringify(validate.errors)).toBe('');
  });

  it('re-judges it from its runs when it is compared again', () => {
    const result = applyBaseline(read(), sweepAndBaseline().baseline, 'baseline.json');
    // judged on the tolerance by the old rule, too noisy to tell by today's
    expect(rawOutcome('sweep/rr[request_size=1,test=UDP_RR]', 'transaction_rate')['verdict']).toBe('within-tolerance');
    expect(outcome(result, 'sweep/rr[request_size=1,test=UDP_RR]', 'transaction_rate')).toMatchObject({
      verdict: 'inconclusive',
      note: expect.stringContaining('with 5 runs per side') as string,
    });
    expect(outcome(result, 'sweep/bulk[nodelay=false,send_size=1K]', 'throughput')).toMatchObject({
      verdict: 'regressed',
      lower: expect.closeTo(-0.19, 2) as number,
      upper: expect.closeTo(-0.143, 3) as number,
    });
    // the old entries are replaced, not kept beside the new ones
    for (const c of result.suites.flatMap((s) => s.cases)) expect(c.regressions?.length ?? 0).toBe(c.regression?.length ?? 0);
  });
});

describe('the results schema', () => {
  it('lists exactly the metrics and the evidence a run records', () => {
    const schema = JSON.parse(readFileSync(path.join(projectRoot, 'schemas/results.schema.json'), 'utf8')) as {
      definitions: { metrics: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(schema.definitions.metrics.properties)).toEqual([...METRIC_NAMES, ...Object.keys(EVIDENCE)]);
  });
});

describe('the results schema for a load stream over time (load_flows[].series)', () => {
  const schema = JSON.parse(readFileSync(path.join(projectRoot, 'schemas/results.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allowUnionTypes: true, validateFormats: false }).compile(schema);
  const rrul = JSON.parse(readFileSync(path.join(projectRoot, 'test/fixtures/results/rrul-interval.results.json'), 'utf8')) as RunResult;
  /** The recorded rrul run with its first load stream changed. */
  const withStream = (change: (stream: Record<string, unknown>) => Record<string, unknown>): unknown => {
    const copy = structuredClone(rrul) as unknown as { suites: { cases: { load_flows?: Record<string, unknown>[][] }[] }[] };
    const flows = copy.suites[0]?.cases[1]?.load_flows?.[0];
    if (flows?.[0] === undefined) throw new Error('no load stream');
    flows[0] = change(flows[0]);
    return copy;
  };

  it('accepts the recorded run; a series needs its start, and its points only t and the stream’s throughput', () => {
    expect(validate(rrul) ? [] : validate.errors).toEqual([]);
    expect(validate(withStream(({ start: _, ...rest }) => rest))).toBe(false);
    expect(validate(withStream((s) => ({ ...s, series: [{ t: 1, transaction_rate: 5 }] })))).toBe(false);
    expect(validate(withStream((s) => ({ ...s, series: [{ t: 1, send_throughput: 5 }] })))).toBe(true);
    // a stream without a series (interim results it did not print) needs no start
    expect(validate(withStream(({ start: _, series: __, ...rest }) => rest))).toBe(true);
  });
});
