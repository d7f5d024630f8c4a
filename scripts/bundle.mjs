#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and everything it loads: commander, yaml, chalk, tinyglobby and the precompiled suite
// validator) into one CommonJS file, dist/bundle/main.cjs, which bin/perfsuite.js runs, with V8's code cache for it
// (dist/bundle/main.cjs.cache) made here by running it once: Node then reads two files instead of resolving, linking
// and parsing ~150, and compiles almost nothing (docs/architecture.md, "Before the first netperf"). The modules tsc
// writes to dist/ stay as they are, for the tests and the benchmarks. Runs after tsc and scripts/build-validator.mjs
// (npm run build).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleFile, cacheFile, loadBundle } from '../bin/load-bundle.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'dist/bundle');
const bundle = path.join(out, 'main.cjs');
if (bundle !== bundleFile) throw new Error(`bin/load-bundle.js loads ${bundleFile}, not ${bundle}`);
rmSync(out, { recursive: true, force: true });

/** src/suite/suite-schema.ts requires the validator the build precompiled, from beside itself: here it goes into the bundle. */
const precompiledValidator = {
  name: 'precompiled-validator',
  setup(esbuild) {
    esbuild.onLoad({ filter: /src[\\/]suite[\\/]suite-schema\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const call = "createRequire(import.meta.url)('./suite-validator.cjs')";
      if (!source.includes(call)) throw new Error(`${args.path} no longer requires ${call}: update scripts/bundle.mjs`);
      return { contents: source.replace(call, "require('./suite-validator.cjs')"), loader: 'ts', resolveDir: path.join(root, 'dist/suite') };
    });
  },
};

await build({
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // files the code reads beside itself (package.json, schemas/) are found from the bundle as from dist/<folder>/
  define: { 'import.meta.url': '__perfsuiteUrl' },
  banner: { js: 'const __perfsuiteUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Ajv is required at run time only when a run needs it (a source checkout's schema, a baseline's check)
  external: ['ajv'],
  plugins: [precompiledValidator],
  // less to read (whitespace and syntax only: functions and classes keep their names for stack traces, and
  // src/cli/source-stack.ts maps an unexpected error's stack back to the lines of src/ with this map; the sources
  // themselves are not shipped)
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});

// The code cache: compiled as bin/perfsuite.js compiles it, run once through `plan` and `validate` of an example suite
// (what every run does first, so the functions they call are in the cache compiled), then serialised. A node whose V8
// differs rejects it and compiles the bundle as if there were none.
const { main, saveCache } = loadBundle({ cache: false });
const quiet = { stdout: () => Promise.resolve(), stderr: () => undefined, cwd: root, env: { ...process.env, NO_COLOR: '1' }, isTTY: false };
for (const command of ['plan', 'validate']) {
  const code = await main(['node', 'perfsuite', command, path.join(root, 'suites/loopback-tcp.yml')], quiet);
  if (code !== 0) throw new Error(`the bundle's ${command} of suites/loopback-tcp.yml exited ${code}`);
}
saveCache();
if (!existsSync(cacheFile)) throw new Error(`the code cache ${cacheFile} could not be written`);
