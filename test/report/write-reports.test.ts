import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/report/write-reports.js';
import { tempDir } from '../helpers.js';

describe('atomic writes', () => {
  const real = { writeFileSync: (f: string, t: string) => writeFileSync(f, t), renameSync, rmSync };

  it('a fault between writing and renaming leaves the old file whole and no temporary file behind', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'results.json');
    writeFileSync(file, '{"old": true}');
    const faulty = { ...real, renameSync: () => { throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' }); } };
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
      writeFileSync: (f: string, t: string) => {
        writeFileSync(f, t.slice(0, 3));
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
