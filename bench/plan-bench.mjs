#!/usr/bin/env node
// Time and peak memory of `perfsuite plan --json` on a 100,000-case matrix, against `node -e 0` in the same run.
// Usage: npm run build && node bench/plan-bench.mjs [trials]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, median, root, row, writeSweepSuite } from './measure.mjs';

const trials = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-bench-'));
const suite = writeSweepSuite(dir, { send: 50, recv: 50, buffers: 40 });

const plan = [];
const baseline = [];
for (let i = 0; i < trials; i++) {
  baseline.push(measure(['-e', '0']));
  plan.push(measure([path.join(root, 'bin/perfsuite.js'), 'plan', '--json', suite]));
}
const cases = JSON.parse(plan[0].stdout).cases.length;
if (cases !== 100_000) throw new Error(`expected 100,000 cases, got ${cases}`);
const bytes = Buffer.byteLength(plan[0].stdout);

console.log(
  `plan --json on a ${cases.toLocaleString('en-US')}-case matrix (${(bytes / 1e6).toFixed(1)} MB of JSON), ${trials} trials, node ${process.version}`,
);
console.log(`${''.padEnd(34)} ${'median'.padStart(10)} ${'min'.padStart(10)} ${'peak RSS'.padStart(9)}`);
console.log(row('node -e 0 (baseline)', baseline));
console.log(row('perfsuite plan --json', plan));
const planSeconds = median(plan.map((r) => r.seconds));
const planRss = Math.max(...plan.map((r) => r.rssMb));
console.log(`perfsuite minus baseline: ${(planSeconds - median(baseline.map((r) => r.seconds))).toFixed(3)} s`);
console.log(`targets: < 2 s (${planSeconds < 2 ? 'met' : 'MISSED'}), < 300 MB peak (${planRss < 300 ? 'met' : 'MISSED'})`);
