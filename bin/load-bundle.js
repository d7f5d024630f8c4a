// Loads the CLI bundle (dist/bundle/main.cjs, scripts/bundle.mjs) as Node loads a CommonJS file, but compiled with V8's
// code cache made by the build beside it when there is one this node accepts (docs/architecture.md, "Before the first
// netperf"). Shared by bin/perfsuite.js and the build, which makes the cache: both compile the very same text.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const bundleFile = fileURLToPath(new URL('../dist/bundle/main.cjs', import.meta.url));
export const cacheFile = `${bundleFile}.cache`;

/** The bundle's exports (`main`), and the script compiled, whose code cache the build serialises. */
export function loadBundle({ cache = true } = {}) {
  let cachedData;
  if (cache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // no cache (a build that could not make one): compiled as usual
    }
  }
  // the wrapper on a line of its own, taken off the line numbers: a stack's positions are the file's (and its map's)
  const wrapped = `(function (exports, require, module, __filename, __dirname) {\n${readFileSync(bundleFile, 'utf8')}\n})`;
  const script = new vm.Script(wrapped, { filename: bundleFile, lineOffset: -1, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundleFile), module, bundleFile, path.dirname(bundleFile));
  return { main: module.exports.main, script };
}
