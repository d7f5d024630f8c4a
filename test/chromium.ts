import { execFileSync } from 'node:child_process';

/** Set to 1 where a missing Chromium must fail the run rather than skip the browser tests (.ci/run sets it). */
export const REQUIRE_CHROMIUM = 'TEST_REQUIRE_CHROMIUM';

export const NO_CHROMIUM =
  'no headless Chromium found (PERFSUITE_CHROMIUM, chromium, chromium-browser or google-chrome); install Debian chromium with: bash scripts/install-deps.sh --dev';

/**
 * The path of Debian's `chromium` (or of PERFSUITE_CHROMIUM, chromium-browser, google-chrome), or undefined where
 * there is none: then vitest.config.ts skips the tests tagged `browser` and test/global-setup.ts says why.
 */
export function findChromium(): string | undefined {
  const candidates = [process.env['PERFSUITE_CHROMIUM'], 'chromium', 'chromium-browser', 'google-chrome'].filter(
    (c): c is string => c !== undefined && c !== '',
  );
  for (const candidate of candidates) {
    try {
      return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', candidate], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  return undefined;
}
