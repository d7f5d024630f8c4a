// Loads the CLI bundle (dist/bundle/main.cjs, scripts/bundle.mjs) as Node loads a CommonJS file, but compiled with V8's
// code cache made by the build beside it when there is one this node accepts (docs/architecture.md, "Before the first
// netperf"). Shared by bin/perfsuite.js and the build, which makes the cache: both compile the very same text.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const bundleFile = fileURLToPath(new URL('../dist/bundle/main.cjs', import.meta.url));
export const cacheFile = `${bundleFile}.cache`;

/**
 * The bundle's exports (`main`), and the script compiled, whose code cache the build serialises. The cache is used only
 * beside the very bundle it was made from (V8 itself checks no more than the source's length): it starts with the
 * bundle's sha256. A cache this node rejects (another V8, other V8 flags) is made again here once the CLI has run, so
 * the next start has one.
 */
export function loadBundle({ cache = true } = {}) {
  let source;
  try {
    source = readFileSync(bundleFile, 'utf8');
  } catch (error) {
    throw new Error(`perfsuite is not built (${bundleFile} cannot be read: ${error.code ?? error.message}); run npm run build`);
  }
  const digest = createHash('sha256').update(source).digest();
  let cachedData;
  if (cache) {
    try {
      const stored = readFileSync(cacheFile);
      if (stored.subarray(0, digest.length).equals(digest)) cachedData = stored.subarray(digest.length);
    } catch {
      // no cache (a build that could not make one): compiled as usual
    }
  }
  // the wrapper on a line of its own, taken off the line numbers: a stack's positions are the file's (and its map's)
  const wrapped = `(function (exports, require, module, __filename, __dirname) {\n${source}\n})`;
  const script = new vm.Script(wrapped, { filename: bundleFile, lineOffset: -1, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundleFile), module, bundleFile, path.dirname(bundleFile));
  const remake = cache && (cachedData === undefined || script.cachedDataRejected === true);
  return { main: module.exports.main, script, saveCache: () => saveCache(script, digest), remake };
}

/** Writes the script's code cache beside the bundle, whole or not at all; a read-only install just goes without. */
function saveCache(script, digest) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([digest, script.createCachedData()]));
    renameSync(temporary, cacheFile);
  } catch {
    // not ours to write (a global install, a read-only checkout): the next start compiles again
  }
}
