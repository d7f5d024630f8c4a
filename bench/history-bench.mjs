#!/usr/bin/env node
// How well the history gate tells real drops from noise, against a single stored baseline, on a noisy machine: during
// every run 1–2 CPU-busy processes switch on and off at random (each on or off for 0.5–2 s), as in bench/ab-bench.mjs.
// One netns link shaped to ${LINK_RATE}, TCP_STREAM, 1 s runs, repeat 5.
//   1. histories: N runs at 100 Mbit/s, and N runs unshaped (100gbit: the CPUs decide), each appended
//   2. trials unshaped (no change), at 100 (no change), 95 (−5%) and 90 Mbit/s (−10%), each judged two ways:
//        --history with regression: { throughput: auto }   (the tolerance learned from the history)
//        --baseline <the newest history run> with throughput: 3%
// Prints the shares of regressed / unchanged / inconclusive per scenario and gate.
// Usage (Linux, root): npm run bench:history -- [--history-runs N] [--trials N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { netnsUnavailable } from '../dist/exec/netns-link.js';
import { noisyNeighbour, root } from './measure.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const historyRuns = option('--history-runs', 10);
const trials = option('--trials', 10);
const unavailable = await netnsUnavailable();
if (unavailable !== undefined) {
  console.log(`skipped: ${unavailable}`);
  process.exit(0);
}

const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-history-bench-'));
const bin = path.join(root, 'bin/perfsuite.js');
const suite = path.join(dir, 'gate.yml');
writeFileSync(
  suite,
  [
    'version: 1',
    'name: gate',
    'servers:',
    '  link: { type: netns, link: { rate: "${LINK_RATE:-100mbit}" } }',
    'tests:',
    '  - { name: bulk, server: link, test: TCP_STREAM, duration: 1s, repeat: 5, regression: { throughput: "${TOL:-auto}" } }',
    '',
  ].join('\n'),
);
const history = path.join(dir, 'history.jsonl');

let count = 0;
async function perfsuite(argv) {
  const stop = noisyNeighbour();
  const child = spawn(process.execPath, [bin, ...argv], { stdio: 'ignore', env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
  stop();
  return code;
}
async function run(rate, extra) {
  const out = path.join(dir, `run-${(count += 1)}`);
  await perfsuite(['run', suite, '--out', out, '--reporter', 'markdown', '--var', `LINK_RATE=${rate}`, ...extra]);
  return { out, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) };
}

const started = performance.now();
/** A history of `historyRuns` runs at `rate`, each appended; returns the file and the newest run's results (the single baseline). */
async function makeHistory(rate, file) {
  let newest;
  for (let i = 0; i < historyRuns; i++) {
    newest = await run(rate, ['--var', 'TOL=auto']);
    const code = await new Promise((resolve) =>
      spawn(process.execPath, [bin, 'history', 'add', path.join(newest.out, 'results.json'), '--history', file], { stdio: 'ignore' }).on('exit', resolve),
    );
    if (code !== 0) throw new Error(`history add exited ${code}`);
    process.stderr.write(`history at ${rate} ${i + 1}/${historyRuns}: ${(newest.results.suites[0].cases[0].metrics.throughput / 1e6).toFixed(2)} Mbit/s\n`);
  }
  return path.join(newest.out, 'results.json');
}
const baseline = await makeHistory('100mbit', history);
// the same link shaped far above what a namespace pair reaches: the CPU noise decides the throughput
const unshapedHistory = path.join(dir, 'unshaped.jsonl');
const unshapedBaseline = await makeHistory('100gbit', unshapedHistory);

const outcome = (r) => r.results.suites[0].cases[0].regressions?.[0];
const tally = new Map();
for (const [label, rate, file, single] of [
  ['unshaped, no change', '100gbit', unshapedHistory, unshapedBaseline],
  ['100 Mbit/s (no change)', '100mbit', history, baseline],
  ['95 Mbit/s (−5%)', '95mbit', history, baseline],
  ['90 Mbit/s (−10%)', '90mbit', history, baseline],
]) {
  for (let t = 0; t < trials; t++) {
    const byHistory = outcome(await run(rate, ['--var', 'TOL=auto', '--history', file]));
    const byBaseline = outcome(await run(rate, ['--var', 'TOL=3%', '--baseline', single]));
    for (const [gate, o] of [
      ['--history, auto', byHistory],
      ['--baseline, 3%', byBaseline],
    ]) {
      const key = `${label} | ${gate}`;
      const list = tally.get(key) ?? [];
      list.push(o);
      tally.set(key, list);
    }
    process.stderr.write(
      `${label} ${t + 1}/${trials}: history ${byHistory.verdict} ${(byHistory.change * 100).toFixed(1)}% (tolerance ${(byHistory.tolerance * 100).toFixed(2)}%); baseline ${byBaseline.verdict} ${(byBaseline.change * 100).toFixed(1)}%\n`,
    );
  }
}

console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0]?.model}; noise: 1–2 busy loops switching every 0.5–2 s; histories of ${historyRuns} runs at 100 Mbit/s and unshaped; ${((performance.now() - started) / 60000).toFixed(1)} min in all\n`,
);
console.log('| scenario | gate | regressed | unchanged | inconclusive | tolerance used (median) |');
console.log('|---|---|---|---|---|---|');
for (const [key, list] of tally) {
  const share = (v) => `${list.filter((o) => o.verdict === v).length}/${list.length}`;
  const tolerances = list.map((o) => o.tolerance * 100).sort((a, b) => a - b);
  console.log(
    `| ${key} | ${share('regressed')} | ${share('unchanged')} | ${share('inconclusive')} | ${tolerances[Math.floor(tolerances.length / 2)].toFixed(2)}% |`,
  );
}
