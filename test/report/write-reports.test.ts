import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseResult, RunResult } from '../../src/model/results.js';
import { REPORTERS, type ReportText, resultsSink, ResultsWriteError, writeFileAtomic } from '../../src/report/write-reports.js';
import { recordedSweep } from './fixtures.js';
import { tempDir } from '../helpers.js';

describe('results.json', () => {
  it('is written case by case, byte for byte what JSON.stringify(result, null, 2) prints, empty suites and cases too', async () => {
    const render = await REPORTERS.json.load();
    const sweep = recordedSweep();
    const empty: RunResult = { ...sweep, suites: [{ ...(sweep.suites[0] as RunResult['suites'][number]), cases: [] }] };
    for (const result of [sweep, empty, { ...sweep, suites: [] }]) {
      const pieces = [...render(result)];
      expect(pieces.join('')).toBe(`${JSON.stringify(result, null, 2)}\n`);
    }
    // one piece per case at least: no piece holds the whole run
    expect([...render(sweep)].length).toBeGreaterThan(sweep.suites.flatMap((s) => s.cases).length);
  });
});

describe('atomic writes', () => {
  const real = { writeFileSync: (f: string, t: ReportText) => writeFileSync(f, typeof t === 'string' ? t : [...t].join('')), renameSync, rmSync };

  it('a fault between writing and renaming leaves the old file whole and no temporary file behind', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'results.json');
    writeFileSync(file, '{"old": true}');
    const faulty = {
      ...real,
      renameSync: () => {
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      },
    };
    expect(() => writeFileAtomic(file, '{"new": true}', faulty)).toThrow(/EIO/);
    expect(readFileSync(file, 'utf8')).toBe('{"old": true}');
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('a disk that fills while writing leaves the old file whole and removes the partial temporary file', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'results.json');
    writeFileSync(file, '{"old": true}');
    const full = {
      ...real,
      writeFileSync: (f: string, t: ReportText) => {
        writeFileSync(f, (typeof t === 'string' ? t : [...t].join('')).slice(0, 3));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    expect(() => writeFileAtomic(file, '{"new": true}', full)).toThrow(/ENOSPC/);
    expect(readFileSync(file, 'utf8')).toBe('{"old": true}');
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('without a fault, replaces the file', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'report.md');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });
});

describe('the results sink of a run (results.json and its journal)', () => {
  const run = recordedSweep();
  const [first, second] = run.suites[0]?.cases ?? [];
  const running = (cases: readonly CaseResult[]): RunResult => ({ ...run, state: 'running', suites: [{ ...run.suites[0]!, cases }] });
  const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');

  it('writes results.json at the start, journals each case as it finishes, and leaves results.json whole and no journal at the end', () => {
    const dir = tempDir('sink');
    const sink = resultsSink(dir);
    sink.start(running([]));
    expect((JSON.parse(read(dir, 'results.json')) as RunResult).suites[0]?.cases).toEqual([]);
    sink.caseFinished(first!, () => running([first!]));
    sink.caseFinished(second!, () => running([first!, second!]));
    expect(
      read(dir, 'results.journal.jsonl')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as CaseResult).id),
    ).toEqual([first?.id, second?.id]);
    expect(sink.savedCases()).toBe(2);
    sink.finish({ ...running([first!, second!]), state: 'complete' });
    expect((JSON.parse(read(dir, 'results.json')) as RunResult).state).toBe('complete');
    expect(readdirSync(dir).sort()).toEqual(['results.json']);
  });

  it("removes a killed run's journal before it writes the new results.json, so the new run never reads it as its own", () => {
    const dir = tempDir('sink');
    writeFileSync(path.join(dir, 'results.journal.jsonl'), `${JSON.stringify(first)}\n`);
    // results.json cannot be written (a directory is in its place): the old journal is already gone when that fails
    mkdirSync(path.join(dir, 'results.json'));
    expect(() => resultsSink(dir).start(running([]))).toThrow(ResultsWriteError);
    expect(existsSync(path.join(dir, 'results.journal.jsonl'))).toBe(false);
  });

  it('names the file it could not write', () => {
    const dir = tempDir('sink');
    const sink = resultsSink(dir);
    sink.start(running([]));
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'a file where the directory was');
    expect(() => sink.caseFinished(first!, () => running([first!]))).toThrow(ResultsWriteError);
    expect(() => sink.caseFinished(first!, () => running([first!]))).toThrow(/^cannot write .*results\.journal\.jsonl \(ENOTDIR/);
    rmSync(dir, { force: true });
  });
});
