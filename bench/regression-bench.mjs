#!/usr/bin/env node
// How well the regression gate separates real drops from noise. Per trial: a baseline run, then runs judged against
// it. On a tbf-shaped veth link into a namespace (100 Mbit/s): drops to 95 and 90 Mbit/s must be caught, an unchanged
// link must not be flagged; on loopback (TCP_STREAM, noisy): an unchanged run must not be flagged.
// Usage (Linux, root): npm run build && node bench/regression-bench.mjs [trials=10] [repeat=5] [duration=2]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLink, netnsUnavailable } from '../dist/exec/netns-link.js';
import { startLocalNetserver } from '../dist/exec/local-netserver.js';
import { median, root } from './measure.mjs';

const trials = Number(process.argv[2] ?? 10);
const repeat = Number(process.argv[3] ?? 5);
const duration = Number(process.argv[4] ?? 2);
const unavailable = await netnsUnavailable();
if (unavailable !== undefined) {
  console.log(`skipped: ${unavailable}`);
  process.exit(0);
}

const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-gate-bench-'));
const suite = (name, server, tolerance) => {
  const file = path.join(dir, `${name}.yml`);
  writeFileSync(
    file,
    [
      'version: 1',
      `name: ${name}`,
      'servers:',
      `  peer: ${server}`,
      `defaults: { duration: ${duration}, repeat: ${repeat} }`,
      'tests:',
      '  - name: bulk',
      '    server: peer',
      '    test: TCP_STREAM',
      '    send_size: 16K',
      `    regression: { throughput: ${tolerance}% }`,
      '',
    ].join('\n'),
  );
  return file;
};

/** One `perfsuite run`, judged against `baseline` when given: its exit code and the throughput outcome. */
function run(file, vars, baseline) {
  const out = mkdtempSync(path.join(dir, 'run-'));
  const args = [path.join(root, 'bin/perfsuite.js'), 'run', file, '--out', out, '--reporter', 'json', ...vars.flatMap((v) => ['--var', v])];
  if (baseline !== undefined) args.push('--baseline', baseline);
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  if (result.status !== 0 && result.status !== 1) throw new Error(`perfsuite exited ${result.status}: ${result.stderr}${result.stdout}`);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  const c = results.suites[0].cases[0];
  return { file: path.join(out, 'results.json'), throughput: c.metrics.throughput, outcome: c.regressions?.[0] };
}

const scenarios = new Map();
const record = (name, outcome) => {
  const list = scenarios.get(name) ?? [];
  list.push(outcome);
  scenarios.set(name, list);
};

const shapedTolerance = 3;
const loopbackTolerance = 10;
const link = await createNetnsLink({ rate: '100mbit' });
const netserver = await startLocalNetserver({ host: link.peerAddress, port: 12865, prefix: link.exec });
const started = Date.now();
try {
  const shaped = suite('shaped', `{ type: external, host: "\${PEER}", control_port: 12865 }`, shapedTolerance);
  const loopback = suite('loopback', '{ type: local }', loopbackTolerance);
  const vars = [`PEER=${link.peerAddress}`];
  for (let trial = 0; trial < trials; trial++) {
    await link.setRate('100mbit');
    const baseline = run(shaped, vars).file;
    for (const [rate, name] of [
      ['95mbit', 'shaped, 5% drop (95 Mbit/s)'],
      ['90mbit', 'shaped, 10% drop (90 Mbit/s)'],
      ['100mbit', 'shaped, unchanged (100 Mbit/s)'],
    ]) {
      await link.setRate(rate);
      record(name, run(shaped, vars, baseline).outcome);
    }
    const loopbackBaseline = run(loopback, []).file;
    record('loopback, unchanged', run(loopback, [], loopbackBaseline).outcome);
    process.stderr.write(`trial ${trial + 1}/${trials} done after ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
} finally {
  await netserver.stop();
  await link.remove();
}

console.log(`regression gate: ${trials} trials per scenario, repeat ${repeat} × ${duration} s per run, one-sided Mann–Whitney U at α = 0.01 plus tolerance`);
console.log(
  `tolerance ${shapedTolerance}% on the shaped link, ${loopbackTolerance}% on loopback; node ${process.version}; ${Math.round((Date.now() - started) / 1000)} s in all`,
);
console.log(
  `${'scenario'.padEnd(34)} ${'flagged'.padStart(8)}  ${'beyond tolerance'.padStart(16)}  ${'median change'.padStart(13)}  ${'change range'.padStart(18)}  ${'median p'.padStart(9)}`,
);
for (const [name, outcomes] of scenarios) {
  const flagged = outcomes.filter((o) => o?.verdict === 'regressed').length;
  // what a tolerance-only gate would have flagged: the median worse by more than the tolerance
  const beyond = outcomes.filter((o) => o !== undefined && -(o.changePercent ?? 0) > o.tolerancePercent).length;
  const changes = outcomes.map((o) => o?.changePercent ?? NaN);
  const ps = outcomes.map((o) => (o?.evidence?.test === 'mann-whitney-u' ? o.evidence.pValue : NaN));
  const pct = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;
  console.log(
    `${name.padEnd(34)} ${`${flagged}/${outcomes.length}`.padStart(8)}  ${`${beyond}/${outcomes.length}`.padStart(16)}  ${pct(median(changes)).padStart(13)}  ${`${pct(Math.min(...changes))} … ${pct(Math.max(...changes))}`.padStart(18)}  ${median(ps).toPrecision(2).padStart(9)}`,
  );
}
