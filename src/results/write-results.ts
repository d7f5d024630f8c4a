import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from './results.js';

/** Writes results.json atomically (temporary file, then rename), so a crash never leaves half a file. */
export function writeResults(outDir: string, result: RunResult): string {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'results.json');
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(temporary, file);
  return file;
}
