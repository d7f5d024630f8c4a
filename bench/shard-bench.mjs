#!/usr/bin/env node
// Sharding and joining at scale: `plan --shard I/10 --json` of a 10,000-case sweep, and `report` joining 10 shards'
// results.json (10,000 cases, built from the plan), each against `node -e 0` in the same run.
// Usage: npm run build && node bench/shard-bench.mjs [trials]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, median, root, row, writeSweepSuite } from './measure.mjs';

const trials = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-shard-bench-'));
const suite = writeSweepSuite(dir, { send: 25, recv: 20, buffers: 20, defaults: '{ duration: 1, repeat: 5 }', extra: ['regression: { throughput: 5% }'] });
const perfsuite = path.join(root, 'bin/perfsuite.js');

// the shards' results, as ten jobs would have written them
const shardFiles = [];
let total = 0;
for (let index = 1; index <= 10; index++) {
  const plan = JSON.parse(measure([perfsuite, 'plan', suite, '--shard', `${index}/10`, '--json']).stdout);
  total += plan.cases.length;
  const cases = plan.cases.map((c, i) => {
    const runs = Array.from({ length: 5 }, (_, r) => ({ throughput: 1e9 + ((i * 7 + r) % 13) * 1e7 }));
    return {
      id: c.id,
      group: c.group,
      server: c.server,
      params: c.params,
      file: c.file,
      line: c.line,
      status: 'pass',
      metrics: { throughput: runs[2].throughput },
      runs,
      spread: {},
      thresholds: [{ metric: 'throughput', expression: '>= 1 Mbit/s', aggregate: 'median', actual: runs[2].throughput, passed: true, file: c.file, line: 7 }],
      regression: [{ metric: 'throughput', tolerancePercent: 5, file: c.file, line: 8 }],
      retries: 0,
      durationSeconds: 5.3,
      netperf: [],
    };
  });
  const result = {
    schemaVersion: 1,
    state: 'complete',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    environment: {
      hostname: 'runner',
      platform: 'linux',
      kernel: '6.1',
      arch: 'x64',
      cpuCount: 2,
      cpuModel: 'cpu',
      node: process.version,
      netperfVersion: '2.7.0',
      perfsuiteVersion: '0.1.0',
    },
    servers: [],
    suites: [{ name: 'sweep', file: suite, cases }],
    selection: { ...plan.selection, plannedCases: cases.map((c) => c.id) },
  };
  const file = path.join(dir, `shard${index}`, 'results.json');
  mkdirSync(path.dirname(file));
  writeFileSync(file, JSON.stringify(result));
  shardFiles.push(file);
}
if (total !== 10_000) throw new Error(`expected 10,000 cases over the shards, got ${total}`);

const baseline = [];
const shard = [];
const join = [];
for (let i = 0; i < trials; i++) {
  baseline.push(measure(['-e', '0']));
  shard.push(measure([perfsuite, 'plan', suite, '--shard', '3/10', '--json']));
  join.push(measure([perfsuite, 'report', ...shardFiles, '--out', path.join(dir, 'joined'), '--reporter', 'json']));
}
console.log(`10,000-case sweep in 10 shards, ${trials} trials, node ${process.version}`);
console.log(`${''.padEnd(34)} ${'median'.padStart(10)} ${'min'.padStart(10)} ${'peak RSS'.padStart(9)}`);
console.log(row('node -e 0 (baseline)', baseline));
console.log(row('plan --shard 3/10 --json', shard));
console.log(row('report: join 10 shards (json)', join));
const base = median(baseline.map((r) => r.seconds));
console.log(
  `minus baseline: shard ${(median(shard.map((r) => r.seconds)) - base).toFixed(3)} s, join ${(median(join.map((r) => r.seconds)) - base).toFixed(3)} s`,
);
