import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findChromium, NO_CHROMIUM, REQUIRE_CHROMIUM } from './chromium.js';

/**
 * vitest's globalSetup: the test run gets a temp directory of its own (TMPDIR, for the test workers and every process
 * they start), and fails if the tests leave anything of theirs (`perfsuite-*`) in it: a test removes what it makes
 * (tempDir in test/helpers.ts does). Its own directory rather than the machine's, so that another run at the same time
 * neither fails this one nor hides a leak; it is removed at the end whatever is left in it. And it says why the browser
 * tests skip, if they do.
 */
export default function setup(): () => void {
  // vitest.config.ts skips the tests tagged browser where there is no Chromium; here the run says why, once, or fails
  // where Chromium is required (.ci/run)
  if (findChromium() === undefined) {
    if (process.env[REQUIRE_CHROMIUM] === '1') throw new Error(`${NO_CHROMIUM}; ${REQUIRE_CHROMIUM}=1 requires one`);
    process.stderr.write(`the tests tagged browser are skipped: ${NO_CHROMIUM}\n`);
  }
  const previous = process.env['TMPDIR'];
  const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-test-run-'));
  process.env['TMPDIR'] = dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    const left = readdirSync(dir).sort();
    rmSync(dir, { recursive: true, force: true });
    const ours = left.filter((name) => name.startsWith('perfsuite-'));
    if (ours.length > 0) {
      const listed = ours.slice(0, 10).join(', ') + (ours.length > 10 ? ` and ${ours.length - 10} more` : '');
      // vitest only logs an error thrown here ("error during close") and exits 0: the exit code is set too
      process.exitCode = 1;
      throw new Error(
        `the tests left ${ours.length === 1 ? 'a temp directory or file' : `${ours.length} temp directories or files`} of theirs behind in ${dir} (now removed): ${listed}; a test removes what it makes: make temp directories with tempDir() from test/helpers.ts, which removes them after the test file`,
      );
    }
  };
}
