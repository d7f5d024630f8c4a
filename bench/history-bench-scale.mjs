#!/usr/bin/env node
// How perfsuite's history scales: a history of 1,000 runs × 200 cases (100 TCP_STREAM with throughput, 100 TCP_RR
// with transaction rate and latency percentiles, 5 runs each), then
//   history show --json, history show --out (report.html + report.md), and judging 200 cases against it
//   (what run --history adds after the measurements: read the file, judge every case) — wall time and peak RSS,
// beside `node -e 0` in the same run. Goal (issue 12): judging and history show under 2 s and 300 MB.
// Usage: npm run bench:history-scale [-- --entries N --cases M]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, median, root } from './measure.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);

if (args[0] === '--judge') {
  // the child: what run --history does once the cases are measured
  const { readHistoryFile } = await import(path.join(root, 'dist/cli/history.js'));
  const { judgeAgainstHistory } = await import(path.join(root, 'dist/compare/judge-history.js'));
  const io = { cwd: process.cwd(), env: {}, stderr: (t) => process.stderr.write(t), stdout: async () => {} };
  const entries = readHistoryFile(args[1], io);
  const fingerprint = entries.at(-1).fingerprint;
  let regressed = 0;
  for (const id of Object.keys(entries.at(-1).cases)) {
    const metric = id.includes('/rr') ? 'transaction_rate' : 'throughput';
    const level = entries.at(-1).cases[id][metric].median;
    const c = {
      id,
      status: 'pass',
      thresholds: [],
      runs: [0.9, 0.91, 0.89, 0.9, 0.9].map((f) => ({ [metric]: level * f })),
      regression: [{ metric, tolerancePercent: 0, auto: true, file: 's.yml', line: 1 }],
    };
    const judged = judgeAgainstHistory(c, entries, { file: args[1], fingerprint });
    if (judged.regressions[0].verdict === 'regressed') regressed += 1;
  }
  console.log(`judged ${Object.keys(entries.at(-1).cases).length} cases against ${entries.length} entries: ${regressed} regressed`);
  process.exit(0);
}

const entries = option('--entries', 1000);
const cases = option('--cases', 200);
const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-history-scale-'));
const file = path.join(dir, 'history.jsonl');
const environment = {
  hostname: 'runner',
  platform: 'linux',
  kernel: '6.18.0',
  arch: 'x64',
  cpuCount: 4,
  cpuModel: 'bench',
  node: 'v20',
  netperfVersion: '2.7.0',
  perfsuiteVersion: '0.3.0',
};
let seed = 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const lines = [];
for (let e = 0; e < entries; e++) {
  const step = e >= entries * 0.7 ? 0.9 : 1; // a 10% drop 70% of the way in: a change point in every series
  const record = {};
  for (let c = 0; c < cases; c++) {
    const rr = c % 2 === 1;
    const level = (rr ? 18000 : 5e9) * (1 + c / cases) * step;
    const runs = Array.from({ length: 5 }, () => level * (1 + (random() - 0.5) * 0.04));
    const sorted = [...runs].sort((a, b) => a - b);
    const metrics = rr
      ? {
          transaction_rate: { runs, median: sorted[2] },
          latency_p50: { runs: runs.map((r) => 1e6 / r), median: 1e6 / sorted[2] },
          latency_p99: { runs: runs.map((r) => 2e6 / r), median: 2e6 / sorted[2] },
        }
      : { throughput: { runs, median: sorted[2] } };
    record[`scale/${rr ? 'rr' : 'bulk'}[i=${c}]`] = metrics;
  }
  lines.push(
    JSON.stringify({
      format: 'perfsuite-history',
      version: 1,
      date: new Date(Date.UTC(2026, 0, 1) + e * 3600_000).toISOString(),
      provenance: { perfsuiteVersion: '0.3.0', commit: (e * 2654435761).toString(16).padStart(40, '0'), variables: {}, servers: {} },
      environment,
      fingerprint: '0badcafe',
      cases: record,
    }),
  );
}
writeFileSync(file, `${lines.join('\n')}\n`);
const megabytes = Buffer.byteLength(lines.join('\n')) / 1024 / 1024;

const repeat = (n, f) => Array.from({ length: n }, f);
const table = [
  ['node -e 0', repeat(5, () => measure(['-e', '0']))],
  ['history show --json', repeat(3, () => measure(['bin/perfsuite.js', 'history', 'show', file, '--json']))],
  ['history show --out (html + md)', repeat(3, () => measure(['bin/perfsuite.js', 'history', 'show', file, '--out', path.join(dir, 'trend')]))],
  [`judge ${cases} cases (run --history)`, repeat(3, () => measure(['bench/history-bench-scale.mjs', '--judge', file]))],
];
console.log(`history: ${entries} entries × ${cases} cases, ${megabytes.toFixed(0)} MB (${file})\n`);
console.log('| what | median | min | peak RSS |');
console.log('|---|---|---|---|');
for (const [name, runs] of table)
  console.log(
    `| ${name} | ${median(runs.map((r) => r.seconds)).toFixed(2)} s | ${Math.min(...runs.map((r) => r.seconds)).toFixed(2)} s | ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB |`,
  );
