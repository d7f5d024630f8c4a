#!/usr/bin/env node
import { loadBundle } from './load-bundle.js';
let bundle;
try {
  bundle = loadBundle();
} catch (error) {
  // not built, or built by half: what to do, not a stack
  process.stderr.write(`perfsuite: ${error.message}\n`);
  process.exit(3);
}
process.exitCode = await bundle.main(process.argv);
// a cache this node could not use is made anew, after the work, so the next start has one
if (bundle.remake) bundle.saveCache();
