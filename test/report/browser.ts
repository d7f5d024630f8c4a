import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's `chromium` (or PERFSUITE_CHROMIUM); the tests fail rather than skip without one. */
export function findChromium(): string {
  const candidates = [process.env['PERFSUITE_CHROMIUM'], 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => c !== undefined && c !== '');
  for (const candidate of candidates) {
    try {
      return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', candidate], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('no headless browser found; install Debian chromium with: bash scripts/install-deps.sh --dev');
}

/** Opens a rendered page from disk, as a user would, recording in `outside` any request that leaves the file. */
export async function openPage(browser: Browser, html: string, outside: string[]): Promise<Page> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'perfsuite-page-')), 'report.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  return page;
}

/** One headless Chromium for the calling test file (launched before its tests, closed after): `open` renders a page in it, `outside` collects requests that left the file. */
export function useBrowser(): { readonly open: (html: string) => Promise<Page>; readonly outside: string[] } {
  let browser: Browser | undefined;
  const outside: string[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    open: (html) => {
      if (browser === undefined) throw new Error('the browser is not started yet: call open inside a test');
      return openPage(browser, html, outside);
    },
    outside,
  };
}
