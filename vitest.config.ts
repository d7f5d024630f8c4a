import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // a temp directory of the run's own (TMPDIR), and a failed run when a test leaves anything of its own in it
    globalSetup: ['test/global-setup.ts'],
  },
});
