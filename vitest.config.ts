import { defineConfig } from 'vitest/config';
import { findChromium } from './test/chromium.js';

/**
 * Two loops over the same tests.
 *
 * - `npm test`, the fast loop: every test that needs only the source, in about a minute. `--tags-filter` leaves out
 *   the tagged tests below (their files still load, and a file whose tests all skip runs no hook: so a file makes its
 *   temp directories in hooks or tests, never on import); `--no-isolate` loads src/ once per worker rather than once
 *   per test file, which halves the loop (so a file that mocks a module resets the modules around itself).
 * - `npm run check` (what .ci/run and CI run): lint, typecheck, build, then every test, each file isolated.
 *
 * A test that needs more than the source says so with a tag: a whole file by a line at its top
 * (`// @module-tag slow`), a describe or a test in its options (`it('…', { tags: ['dist'] }, …)`). A tag brings its
 * timeout; untagged tests get 10 s. A tag not listed here is an error.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 10_000,
    tags: [
      { name: 'slow', description: 'runs the real netperf or npm (and the built CLI): seconds to minutes each', timeout: 60_000, priority: 1 },
      { name: 'root', description: 'needs root: network namespaces, tc, mount, sshd; skipped with the reason without it', timeout: 60_000, priority: 1 },
      { name: 'dist', description: 'runs the built CLI or modules of dist/ in a process of its own (npm run build first)', timeout: 60_000, priority: 1 },
      // skipped where there is no Chromium (test/global-setup.ts says so; with TEST_REQUIRE_CHROMIUM=1, as in
      // .ci/run, it fails the run instead)
      { name: 'browser', description: 'renders in headless Chromium', timeout: 30_000, priority: 2, skip: findChromium() === undefined },
    ],
    // a temp directory of the run's own (TMPDIR), and a failed run when a test leaves anything of its own in it
    globalSetup: ['test/global-setup.ts'],
    // what tempDir() made, removed after each test file
    setupFiles: ['test/remove-temp-dirs.ts'],
  },
});
