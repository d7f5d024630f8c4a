#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and everything it loads, commander, yaml, chalk and tinyglobby with it) into
// dist/bundle/, which bin/perfsuite.js runs: Node then resolves, links and parses a few files instead of ~150, and
// scans no CommonJS package for its exports (about 70 ms of CPU on every start; docs/architecture.md, "Before the
// first netperf"). What loads on first use (a command, the renderers)
// stays in chunks of its own. The modules tsc writes to dist/ stay as they are, for the tests and the benchmarks.
// Runs after tsc and scripts/build-validator.mjs (npm run build).
import { copyFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const out = new URL('../dist/bundle/', import.meta.url);
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
  outdir: out.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // less to parse on every start (whitespace and syntax only: functions and classes keep their names for stack traces,
  // and src/cli/source-stack.ts maps an unexpected error's stack back to the lines of src/ with these maps; the sources
  // themselves are not shipped)
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  // Ajv is required at run time only when a run needs it (a source checkout's schema, a baseline's check)
  external: ['ajv'],
  // the CommonJS packages bundled (commander, yaml) require Node's own modules
  banner: { js: 'import { createRequire as __perfsuiteCreateRequire } from "node:module"; const require = __perfsuiteCreateRequire(import.meta.url);' },
  logLevel: 'warning',
});
// src/suite/suite-schema.ts requires the precompiled validator from beside itself
copyFileSync(new URL('../dist/suite/suite-validator.cjs', import.meta.url), new URL('suite-validator.cjs', out));
