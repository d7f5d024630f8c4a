import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../src/results/merge-results.js';
import type { RunResult } from '../../src/model/results.js';
import { recordedSweep } from '../report/fixtures.js';

/** The recorded run cut into shards by case position, each with the selection a `--shard` run records. */
function shard(index: number, total: number, keep: (position: number) => boolean, planned = keep): RunResult {
  const run = recordedSweep();
  const cases = run.suites[0]!.cases;
  return {
    ...run,
    suites: [{ ...run.suites[0]!, cases: cases.filter((_, i) => keep(i)) }],
    selection: {
      filters: [],
      matched: cases.length,
      of: cases.length,
      shard: { index, total, estimatedSeconds: [] },
      plannedCases: cases.filter((_, i) => planned(i)).map((c) => c.id),
    },
  };
}

describe('joining results files', () => {
  it('gives the same run whatever order the shards come in', () => {
    const a = shard(1, 2, (i) => i % 2 === 0);
    const b = shard(2, 2, (i) => i % 2 === 1);
    const forward = mergeResults([a, b], ['a', 'b']);
    const backward = mergeResults([b, a], ['a', 'b']);
    expect(forward.suites).toEqual(backward.suites);
    expect(forward.suites[0]?.cases.map((c) => c.id).sort()).toEqual(
      recordedSweep()
        .suites[0]?.cases.map((c) => c.id)
        .sort(),
    );
    expect(forward.merge).toEqual({ sources: ['a', 'b'], duplicateCases: [], missingCases: [], missingShards: [] });
  });

  it('names the cases an interrupted shard set out to measure but did not', () => {
    const a = shard(1, 2, (i) => i % 2 === 0);
    const interrupted = {
      ...shard(
        2,
        2,
        (i) => i === 1,
        (i) => i % 2 === 1,
      ),
      state: 'interrupted' as const,
    };
    const merged = mergeResults([a, interrupted], ['a', 'b']);
    expect(merged.state).toBe('interrupted');
    expect(merged.merge?.missingCases).toEqual(
      recordedSweep()
        .suites[0]?.cases.filter((_, i) => i % 2 === 1 && i !== 1)
        .map((c) => c.id),
    );
  });

  it("joins the shards' comparisons with a baseline instead of keeping the first shard's", () => {
    const base = { baselineFile: 'base.json', baselineStartedAt: '2026-11-01T00:00:00.000Z', alpha: 0.01 };
    const ids = recordedSweep().suites[0]!.cases.map((c) => c.id);
    const a = {
      ...shard(1, 2, (i) => i % 2 === 0),
      comparison: {
        ...base,
        environmentDifferences: [{ field: 'hostname', baseline: 'x', current: 'a' }],
        missingCases: ['sweep/gone', ids[1]!],
        newCases: ['sweep/new-a'],
      },
    };
    const b = {
      ...shard(2, 2, (i) => i % 2 === 1),
      comparison: {
        ...base,
        environmentDifferences: [{ field: 'hostname', baseline: 'x', current: 'b' }],
        missingCases: ['sweep/gone'],
        newCases: ['sweep/new-b'],
      },
    };
    expect(mergeResults([a, b], ['a', 'b']).comparison).toEqual({
      ...base,
      environmentDifferences: [
        { field: 'hostname', baseline: 'x', current: 'a' },
        { field: 'hostname', baseline: 'x', current: 'b' },
      ],
      // a case one shard did not have but another measured is not missing
      missingCases: ['sweep/gone'],
      newCases: ['sweep/new-a', 'sweep/new-b'],
    });
  });

  it('prefers a measured copy of a case over a skipped one from a run that never got to it', () => {
    const run = recordedSweep();
    const interrupted = {
      ...run,
      state: 'interrupted' as const,
      suites: run.suites.map((s) => ({ ...s, cases: s.cases.map((c, i) => (i === 0 ? c : { ...c, status: 'skipped' as const, runs: [], metrics: {} })) })),
    };
    const merged = mergeResults([interrupted, run], ['a', 'b']);
    expect(merged.suites[0]?.cases.map((c) => c.status)).toEqual(
      [...run.suites[0]!.cases].sort((a, b) => a.line - b.line || (a.id < b.id ? -1 : 1)).map((c) => c.status),
    );
    expect(merged.merge?.duplicateCases).toEqual([run.suites[0]!.cases[0]!.id]);
  });

  it('leaves a single unsharded file exactly as it was', () => {
    const run = recordedSweep();
    expect(mergeResults([run], ['x'])).toBe(run);
  });
});
