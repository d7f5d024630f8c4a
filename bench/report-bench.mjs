#!/usr/bin/env node
// Time, peak memory and output sizes of `perfsuite report` on a 5,005-case results.json (the recorded 13-case run,
// real netperf output included, repeated 385 times), against `node -e 0` in the same run.
// Usage: npm run build && node bench/report-bench.mjs [trials]
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, median, root, row } from './measure.mjs';

const trials = Number(process.argv[2] ?? 5);
const copies = 385;
const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-report-bench-'));
const recorded = JSON.parse(readFileSync(path.join(root, 'test/fixtures/results/sweep.results.json'), 'utf8'));
const [suite] = recorded.suites;
const cases = [];
for (let copy = 0; copy < copies; copy++) {
  for (const c of suite.cases) cases.push({ ...c, id: c.id.replace('sweep/', `sweep/copy${copy}-`), group: `copy${copy}-${c.group}` });
}
const input = path.join(dir, 'results.json');
writeFileSync(input, JSON.stringify({ ...recorded, suites: [{ ...suite, cases }] }));

const out = path.join(dir, 'out');
const report = [];
const baseline = [];
for (let i = 0; i < trials; i++) {
  baseline.push(measure(['-e', '0']));
  // the recorded run has an unmeasured case, so report exits 3 as the run did
  report.push(measure([path.join(root, 'bin/perfsuite.js'), 'report', input, '--out', out], [3]));
}
const size = (file) => `${(statSync(path.join(out, file)).size / 1e6).toFixed(1)} MB`;
console.log(
  `perfsuite report on ${cases.length.toLocaleString('en-US')} cases (results.json ${(statSync(input).size / 1e6).toFixed(1)} MB), ${trials} trials, node ${process.version}`,
);
console.log(`${''.padEnd(34)} ${'median'.padStart(10)} ${'min'.padStart(10)} ${'peak RSS'.padStart(9)}`);
console.log(row('node -e 0 (baseline)', baseline));
console.log(row('perfsuite report (junit, md, html)', report));
console.log(`perfsuite minus baseline: ${(median(report.map((r) => r.seconds)) - median(baseline.map((r) => r.seconds))).toFixed(3)} s`);
console.log(`written: junit.xml ${size('junit.xml')}, report.md ${size('report.md')}, report.html ${size('report.html')}`);
