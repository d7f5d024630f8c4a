import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot, tempDir } from '../helpers.js';

interface Loaded {
  readonly main: () => string;
  readonly remake: boolean;
  readonly saveCache: () => void;
}
type LoadBundle = (options?: { cache?: boolean }) => Loaded;

/** bin/load-bundle.js copied beside a bundle of our own (a module exporting main), under a fresh name so it loads anew. */
async function installed(source: string): Promise<{ load: LoadBundle; bundle: string; cache: string }> {
  const dir = tempDir('load-bundle');
  mkdirSync(path.join(dir, 'bin'));
  mkdirSync(path.join(dir, 'dist/bundle'), { recursive: true });
  copyFileSync(path.join(projectRoot, 'bin/load-bundle.js'), path.join(dir, 'bin/load-bundle.js'));
  const bundle = path.join(dir, 'dist/bundle/main.cjs');
  writeFileSync(bundle, source);
  const { loadBundle } = (await import(pathToFileURL(path.join(dir, 'bin/load-bundle.js')).href)) as { loadBundle: LoadBundle };
  return { load: loadBundle, bundle, cache: `${bundle}.cache` };
}

describe('the CLI bundle and its code cache (bin/load-bundle.js)', () => {
  it('uses a cache only beside the bundle it was made from, even one of the same length, and makes it anew', async () => {
    const { load, bundle, cache } = await installed("exports.main = () => 'first';\n");
    const made = load({ cache: false });
    expect(made.main()).toBe('first');
    made.saveCache();
    const withCache = load();
    expect(withCache.remake).toBe(false);
    expect(withCache.main()).toBe('first');
    // an edit of the same length: V8 alone would take the old cache and could run the old code
    writeFileSync(bundle, "exports.main = () => 'other';\n");
    const edited = load();
    expect(edited.main()).toBe('other');
    expect(edited.remake).toBe(true);
    const before = readFileSync(cache);
    edited.saveCache();
    expect(readFileSync(cache).equals(before)).toBe(false);
    expect(load().remake).toBe(false);
  });

  it('says to build when there is no bundle', async () => {
    const { load, bundle } = await installed("exports.main = () => 'first';\n");
    rmSync(bundle);
    expect(() => load()).toThrow(/perfsuite is not built \(.*main\.cjs cannot be read: ENOENT\); run npm run build/);
  });
});
