import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { TrendReport } from '../../src/model/history.js';
import type { RunResult } from '../../src/model/results.js';
import { perfsuiteInProcess, projectRoot, tempDir } from '../helpers.js';
import { syntheticRun } from '../report/fixtures.js';

const perfsuite = (args: readonly string[], cwd: string) => perfsuiteInProcess(args, { cwd });

/** The case without its error (these cases were measured). */
function withoutError<T extends { error?: unknown }>(c: T): Omit<T, 'error'> {
  const copy = { ...c };
  delete copy.error;
  return copy;
}

/** A complete run of two cases at `level` bit/s, started at hour `hour`. */
function runAt(level: number, hour: number, state: RunResult['state'] = 'complete'): RunResult {
  const base = syntheticRun(2);
  return {
    ...base,
    state,
    startedAt: new Date(Date.UTC(2026, 10, 1, hour)).toISOString(),
    provenance: { perfsuiteVersion: '0.3.0', commit: `${String(hour).padStart(2, '0')}${'a'.repeat(38)}`, variables: {}, servers: {} },
    suites: base.suites.map((s) => ({
      ...s,
      cases: s.cases.map((c) => ({
        ...withoutError(c),
        status: 'pass' as const,
        runs: [{ throughput: level }, { throughput: level * 1.001 }],
        metrics: { throughput: level },
      })),
    })),
  };
}

describe('perfsuite history', () => {
  const dir = tempDir('history-cli');
  const write = (name: string, result: RunResult): string => {
    writeFileSync(path.join(dir, name), JSON.stringify(result));
    return name;
  };

  it('adds complete runs, refuses an interrupted one and the same run twice, and keeps the newest --keep', async () => {
    for (let hour = 0; hour < 6; hour += 1)
      expect((await perfsuite(['history', 'add', write(`r${hour}.json`, runAt(1e9, hour)), '--history', 'h.jsonl'], dir)).status).toBe(0);
    for (let hour = 6; hour < 9; hour += 1) await perfsuite(['history', 'add', write(`r${hour}.json`, runAt(0.9e9, hour)), '--history', 'h.jsonl'], dir);
    expect(readFileSync(path.join(dir, 'h.jsonl'), 'utf8').trim().split('\n')).toHaveLength(9);
    const again = await perfsuite(['history', 'add', 'r8.json', '--history', 'h.jsonl'], dir);
    expect(again).toMatchObject({ status: 0, stdout: expect.stringContaining('is already in h.jsonl; nothing added') as unknown });
    const interrupted = await perfsuite(['history', 'add', write('cut.json', runAt(1e9, 20, 'interrupted')), '--history', 'h.jsonl'], dir);
    expect(interrupted.status).toBe(2);
    expect(interrupted.stderr).toContain(
      "cut.json is from a run that was interrupted (state 'interrupted'); only a complete run can be a baseline or go into a history",
    );
    expect(readFileSync(path.join(dir, 'h.jsonl'), 'utf8').trim().split('\n')).toHaveLength(9);

    const kept = await perfsuite(['history', 'add', write('r9.json', runAt(0.9e9, 9)), '--history', 'k.jsonl', '--keep', '1'], dir);
    expect(kept.status).toBe(0);
    expect((await perfsuite(['history', 'add', 'r0.json', '--history', 'k.jsonl', '--keep', '1'], dir)).stdout).toContain('the oldest 1 dropped (--keep 1)');
    expect((await perfsuite(['history', 'add', 'r0.json', '--history', 'k.jsonl', '--keep', '0'], dir)).stderr).toContain(
      '--keep 0: give a whole number of entries, 1 or more',
    );
  });

  it('shows each case over the runs with the change point at the entry where the level moved, as text, JSON and reports', async () => {
    const text = await perfsuite(['history', 'show', 'h.jsonl'], dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^h\.jsonl: 9 entries, 2 series, 2 change points\n/);
    expect(text.stdout).toMatch(/\] throughput: −10\.0% from entry 6 \(06aaaaaa\) 2026-11-01, p < 0\.001\n/);
    // the entries on either side of the shift are the two ends of a bisect
    expect(text.stdout).toMatch(
      new RegExp(
        `throughput: −10\\.0% from entry 6 .*\\n {4}find the commit: perfsuite bisect <suite [\\w-]+> --good 05${'a'.repeat(38)} --bad 06${'a'.repeat(38)}\\n`,
      ),
    );
    // a level that rose (throughput, higher is better) is a change point, with no culprit to bisect for
    for (let hour = 0; hour < 9; hour += 1)
      await perfsuite(['history', 'add', write(`u${hour}.json`, runAt(hour < 6 ? 1e9 : 1.1e9, hour)), '--history', 'up.jsonl'], dir);
    const up = await perfsuite(['history', 'show', 'up.jsonl'], dir);
    expect(up.stdout).toMatch(/throughput: \+10\.0% from entry 6/);
    expect(up.stdout).not.toContain('find the commit');
    const json = await perfsuite(['history', 'show', 'h.jsonl', '--json', '--out', 'trend'], dir);
    const report = JSON.parse(json.stdout) as TrendReport;
    expect(report.series.map((s) => s.points.length)).toEqual([9, 9]);
    expect(report.series[0]?.points[0]).toMatchObject({ index: 0, commit: `00${'a'.repeat(38)}`, median: 1.0005e9, min: 1e9, max: 1e9 * 1.001 });
    expect(report.changePoints.map((c) => c.index)).toEqual([6, 6]);
    const markdown = readFileSync(path.join(dir, 'trend', 'report.md'), 'utf8');
    expect(markdown).toContain('xychart-beta');
    // the console and the trend report give a change point the same size
    expect(markdown).toContain('−10.0%');
    expect(markdown).not.toContain('−9.9');
    expect(readFileSync(path.join(dir, 'trend', 'report.html'), 'utf8')).toContain('<svg');
  });

  it('warns about a corrupt line by its number and keeps the rest; a missing file is an error naming how to make one', async () => {
    const lines = readFileSync(path.join(dir, 'h.jsonl'), 'utf8').split('\n');
    writeFileSync(path.join(dir, 'torn.jsonl'), [lines[0], '{"format":"perfsuite-hist', lines[1], ''].join('\n'));
    const torn = await perfsuite(['history', 'show', 'torn.jsonl', '--json'], dir);
    expect(torn.stderr).toBe('perfsuite: warning: torn.jsonl:2: not JSON (a torn or hand-edited line?); skipped\n');
    expect((JSON.parse(torn.stdout) as TrendReport).series[0]?.points).toHaveLength(2);
    const missing = await perfsuite(['history', 'show', 'nope.jsonl'], dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no history file nope.jsonl; create one with perfsuite history add <results.json> --history nope.jsonl');
  });

  it('a run with --history naming a file that does not exist warns (a GitHub annotation in Actions) and judges nothing against it', async () => {
    const missing = await main(
      [
        'node',
        'perfsuite',
        'run',
        'test/fixtures/suites/valid/every-test.yml',
        '--filter',
        'every-test/tcp-rr',
        '--duration',
        '1',
        '--out',
        path.join(dir, 'out'),
        '--history',
        path.join(dir, 'none.jsonl'),
      ],
      {
        stdout: () => undefined,
        stderr: (text) => void (warnings += text),
        cwd: projectRoot,
        env: { NO_COLOR: '1', GITHUB_ACTIONS: 'true', PATH: process.env['PATH'] ?? '' },
        isTTY: false,
      },
    );
    expect(missing).toBe(0);
    expect(warnings).toContain(
      `::warning title=perfsuite: no history::--history ${path.join(dir, 'none.jsonl')} does not exist, so no case is judged against a history this time`,
    );
  });
  let warnings = '';
});

describe('a history written by a newer perfsuite', () => {
  it('is not rewritten by history add (its lines would be lost): refused, the file untouched', async () => {
    const dir = tempDir('history-newer');
    const future = `${JSON.stringify({ format: 'perfsuite-history', version: 2, date: '2027-01-01T00:00:00Z' })}\n`;
    writeFileSync(path.join(dir, 'h.jsonl'), future);
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify(runAt(1e9, 1)));
    const added = await perfsuite(['history', 'add', 'r.json', '--history', 'h.jsonl'], dir);
    expect(added.status).toBe(2);
    expect(added.stderr).toContain('h.jsonl has 1 entry written by a newer perfsuite; adding to it would drop it: upgrade perfsuite');
    expect(readFileSync(path.join(dir, 'h.jsonl'), 'utf8')).toBe(future);
  });
});
