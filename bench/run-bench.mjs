#!/usr/bin/env node
// Wall time of five 1-second TCP_RR cases through `perfsuite run` against the same five bare netperf runs
// (against a netserver started once), interleaved over several trials; then `perfsuite --version` start-up
// against `node -e 0`. Usage: npm run build && node bench/run-bench.mjs [trials]
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
const suite = path.join(dir, 'rr.yml');
writeFileSync(suite, 'version: 1\nname: rr\ntests:\n  - name: rr\n    test: TCP_RR\n    duration: 1\n    matrix:\n      request_size: [1, 2, 3, 4, 5]\n');

const plan = JSON.parse(spawnSync(process.execPath, [bin, 'plan', '--json', suite], { encoding: 'utf8' }).stdout);

const netserver = await startLocalNetserver({ host: '127.0.0.1' });
const port = netserver.port;

const time = (fn) => {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
};
const bare = () =>
  time(() => {
    for (const c of plan.cases) {
      const [file, ...args] = c.netperf.map((a) => (a === '{port}' ? String(port) : a));
      const r = spawnSync(file, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`netperf failed: ${r.stdout}${r.stderr}`);
    }
  });
const wrapped = () =>
  time(() => {
    const r = spawnSync(process.execPath, [bin, 'run', suite, '--out', path.join(dir, 'out')], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    if (r.status !== 0) throw new Error(`perfsuite run failed (${r.status}): ${r.stdout}${r.stderr}`);
  });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bareTimes = [];
const wrappedTimes = [];
for (let i = 0; i < trials; i++) {
  bareTimes.push(bare());
  wrappedTimes.push(wrapped());
}
await netserver.stop();

const startup = [];
const node = [];
for (let i = 0; i < 10; i++) {
  node.push(time(() => spawnSync(process.execPath, ['-e', '0'])));
  startup.push(time(() => spawnSync(process.execPath, [bin, '--version'])));
}

const ratio = median(wrappedTimes) / median(bareTimes);
console.log(`five 1-second TCP_RR cases, ${trials} interleaved trials, node ${process.version}`);
console.log(`  bare netperf (5 runs, netserver already up): median ${median(bareTimes).toFixed(3)} s  [${bareTimes.map((t) => t.toFixed(3)).join(', ')}]`);
console.log(
  `  perfsuite run (starts its own netserver):    median ${median(wrappedTimes).toFixed(3)} s  [${wrappedTimes.map((t) => t.toFixed(3)).join(', ')}]`,
);
console.log(
  `  ratio ${ratio.toFixed(3)} (target <= 1.05: ${ratio <= 1.05 ? 'met' : 'MISSED'}), overhead ${(median(wrappedTimes) - median(bareTimes)).toFixed(3)} s`,
);
console.log(
  `start-up, 10 runs each: node -e 0 median ${(median(node) * 1000).toFixed(0)} ms; perfsuite --version median ${(median(startup) * 1000).toFixed(0)} ms`,
);
