import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];

/**
 * A new directory `perfsuite-<name>-XXXXXX` in the temp directory, removed with everything in it after the test file
 * that made it has run (test/remove-temp-dirs.ts, a setup file of every test file). A test makes its temp directories
 * with this (from test/helpers.ts), never with mkdtempSync: test/global-setup.ts fails the run when one is left behind.
 */
export function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `perfsuite-${name}-`));
  made.push(dir);
  return dir;
}

/** Removes every directory tempDir made so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
