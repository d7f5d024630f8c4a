#!/usr/bin/env node
// What perfsuite costs on top of netperf, with the real netperf and netserver (docs/architecture.md, "Before the first
// netperf"):
// - five 1-second TCP_RR cases through `perfsuite run` against the same five bare netperf runs (against a netserver
//   started once), interleaved over several trials;
// - its fixed and per-case cost: a 1-case and a 10-case suite of 1-second TCP_RR against 1 and 10 bare netperf runs,
//   interleaved (overhead(n) = fixed + n × per case, so per case = (overhead(10) − overhead(1)) / 9);
// - then `perfsuite --version` start-up against `node -e 0`.
// Usage: npm run build && node bench/run-bench.mjs [trials]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalNetserver } from '../dist/exec/local-netserver.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin/perfsuite.js');
const trials = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-run-bench-'));

/** A suite of `n` 1-second TCP_RR cases, and its netperf argv lists (from `plan --json`). */
const suiteOf = (n) => {
  const file = path.join(dir, `rr-${n}.yml`);
  const sizes = Array.from({ length: n }, (_, i) => i + 1).join(', ');
  writeFileSync(file, `version: 1\nname: rr\ntests:\n  - name: rr\n    test: TCP_RR\n    duration: 1\n    matrix:\n      request_size: [${sizes}]\n`);
  const plan = JSON.parse(spawnSync(process.execPath, [bin, 'plan', '--json', file], { encoding: 'utf8' }).stdout);
  return { file, cases: plan.cases };
};

const netserver = await startLocalNetserver({ host: '127.0.0.1' });
const port = netserver.port;

const time = (fn) => {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
};
const bare = (suite) =>
  time(() => {
    for (const c of suite.cases) {
      const [file, ...args] = c.netperf.map((a) => (a === '{port}' ? String(port) : a));
      const r = spawnSync(file, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`netperf failed: ${r.stdout}${r.stderr}`);
    }
  });
const wrapped = (suite) =>
  time(() => {
    const r = spawnSync(process.execPath, [bin, 'run', suite.file, '--out', path.join(dir, 'out')], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    if (r.status !== 0) throw new Error(`perfsuite run failed (${r.status}): ${r.stdout}${r.stderr}`);
  });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const list = (values) => values.map((t) => t.toFixed(3)).join(', ');

const five = suiteOf(5);
const bareTimes = [];
const wrappedTimes = [];
for (let i = 0; i < trials; i++) {
  bareTimes.push(bare(five));
  wrappedTimes.push(wrapped(five));
}

// fixed and per-case cost: each trial runs 1 and 10 cases bare and through perfsuite, interleaved
const one = suiteOf(1);
const ten = suiteOf(10);
const overhead = { 1: [], 10: [] };
for (let i = 0; i < trials; i++) {
  for (const [n, suite] of [
    [1, one],
    [10, ten],
  ]) {
    const b = bare(suite);
    overhead[n].push(wrapped(suite) - b);
  }
}
await netserver.stop();

const startup = [];
const node = [];
for (let i = 0; i < 10; i++) {
  node.push(time(() => spawnSync(process.execPath, ['-e', '0'])));
  startup.push(time(() => spawnSync(process.execPath, [bin, '--version'])));
}

const ratio = median(wrappedTimes) / median(bareTimes);
const perCase = (median(overhead[10]) - median(overhead[1])) / 9;
const fixed = median(overhead[1]) - perCase;
console.log(`five 1-second TCP_RR cases, ${trials} interleaved trials, node ${process.version}`);
console.log(`  bare netperf (5 runs, netserver already up): median ${median(bareTimes).toFixed(3)} s  [${list(bareTimes)}]`);
console.log(`  perfsuite run (starts its own netserver):    median ${median(wrappedTimes).toFixed(3)} s  [${list(wrappedTimes)}]`);
console.log(
  `  ratio ${ratio.toFixed(3)} (target <= 1.05: ${ratio <= 1.05 ? 'met' : 'MISSED'}), overhead ${(median(wrappedTimes) - median(bareTimes)).toFixed(3)} s`,
);
console.log(`1 and 10 one-second TCP_RR cases, perfsuite run minus bare netperf, ${trials} interleaved trials:`);
console.log(`  overhead, 1 case:   median ${median(overhead[1]).toFixed(3)} s  [${list(overhead[1])}]`);
console.log(`  overhead, 10 cases: median ${median(overhead[10]).toFixed(3)} s  [${list(overhead[10])}]`);
console.log(
  `  fixed cost ${fixed.toFixed(3)} s (target <= 0.2: ${fixed <= 0.2 ? 'met' : 'MISSED'}), per case ${(perCase * 1000).toFixed(1)} ms (target <= 3: ${perCase <= 0.003 ? 'met' : 'MISSED'})`,
);
console.log(
  `start-up, 10 runs each: node -e 0 median ${(median(node) * 1000).toFixed(0)} ms; perfsuite --version median ${(median(startup) * 1000).toFixed(0)} ms`,
);
