import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { lockOutDir } from '../../src/report/out-lock.js';
import { projectRoot, tempDir } from '../helpers.js';

const racer = path.join(projectRoot, 'test/fixtures/programs/lock-out.mjs');

/** Two processes that take the lock of `dir` at the same moment: what each got. */
async function race(dir: string): Promise<string[]> {
  const at = String(Date.now() + 300);
  const children = [0, 1].map(() => spawn(process.execPath, [racer, dir, at], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const outcomes = await Promise.all(
    children.map(async (child) => String((await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()).value)),
  );
  for (const child of children) child.stdin.end();
  await Promise.all(children.map((child) => once(child, 'exit')));
  return outcomes.sort();
}

/** A pid that no process has any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  return child.pid ?? 0;
}

describe('the lock of an output directory', () => {
  it('goes to exactly one of two runs that start together, with no lock before', { tags: ['dist'] }, async () => {
    for (let trial = 0; trial < 20; trial++) expect(await race(tempDir('lock'))).toEqual(['held', 'taken']);
  });

  it('goes to exactly one of two runs that take over a killed run’s lock together', { tags: ['dist'] }, async () => {
    const gone = await deadPid();
    for (let trial = 0; trial < 20; trial++) {
      const dir = tempDir('lock');
      writeFileSync(path.join(dir, '.perfsuite.lock'), JSON.stringify({ pid: gone, host: hostname(), startedAt: '2026-12-01T00:00:00.000Z' }));
      // one holds it; the note goes to the one that removed the dead lock, which may be the run that then lost the race
      expect(await race(dir)).toEqual(['held', expect.stringMatching(/^taken( over)?$/)]);
      // nothing of either racer is left beside it
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('is held while its run lives, released by it, and an unreadable fresh lock counts as held', () => {
    const dir = tempDir('lock');
    const first = lockOutDir(dir);
    expect(first.kind).toBe('taken');
    expect(lockOutDir(dir)).toMatchObject({ kind: 'held', owner: { pid: process.pid } });
    if (first.kind === 'taken') first.release();
    expect(existsSync(path.join(dir, '.perfsuite.lock'))).toBe(false);
    writeFileSync(path.join(dir, '.perfsuite.lock'), '');
    expect(lockOutDir(dir)).toMatchObject({ kind: 'held', owner: { pid: 0 } });
  });
});
