#!/usr/bin/env node
// What perfsuite's own work costs per case as a run grows: a stand-in netperf that answers at once is put first on
// PATH (so only perfsuite is timed), an `external` server (no netserver), TCP_RR cases; 200, 2,000 and 10,000 cases.
// Prints wall time, the per-case cost of the engine (wall minus the 10-case run's fixed cost, over the cases) and
// peak RSS, against `node -e 0` and a 10-case run measured in the same session.
// Usage: npm run build && node bench/scale-bench.mjs [sizes, default 200,2000,10000] [trials, default 1]
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, median } from './measure.mjs';

const sizes = (process.argv[2] ?? '200,2000,10000').split(',').map(Number);
const trials = Number(process.argv[3] ?? 1);
const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-scale-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// the stand-in: `-V` prints the version; a test prints every key it was asked for (-k A,B,...) with a plausible value
const binDir = path.join(dir, 'bin');
mkdirSync(binDir);
writeFileSync(
  path.join(binDir, 'netperf'),
  `#!/bin/sh
case "$1" in -V) echo "Netperf version 2.7.0"; exit 0 ;; esac
keys=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-k" ]; then keys="$2"; fi
  shift
done
IFS=,
for key in $keys; do
  case "$key" in
    THROUGHPUT_UNITS) echo "THROUGHPUT_UNITS=Trans/s" ;;
    *) echo "$key=10" ;;
  esac
done
`,
);
chmodSync(path.join(binDir, 'netperf'), 0o755);

// perfsuite checks that an external server's control port answers: a listener here stands in for its netserver
const listener = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
await once(listener, 'listening');
const controlPort = listener.address().port;

/** A suite of `n` TCP_RR cases against an external server (request sizes 1..n). */
function suiteOf(n) {
  const file = path.join(dir, `rr-${n}.yml`);
  const sizes = Array.from({ length: n }, (_, i) => i + 1).join(', ');
  writeFileSync(
    file,
    `version: 1
name: rr
servers:
  peer: { type: external, host: 127.0.0.1, control_port: ${controlPort} }
tests:
  - name: rr
    test: TCP_RR
    duration: 1
    server: peer
    matrix:
      request_size: [${sizes}]
`,
  );
  return file;
}

const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, CI: '1' };
process.env.PATH = env.PATH;
process.env.CI = '1';

const run = (n) => measure(['bin/perfsuite.js', 'run', suiteOf(n), '--out', path.join(dir, `out-${n}`), '--max-cases', String(Math.max(n, 1000))]);

const nodeStart = median(Array.from({ length: 5 }, () => measure(['-e', '0']).seconds));
const base = Array.from({ length: 3 }, () => run(10));
const fixed = median(base.map((r) => r.seconds));
console.log(`perfsuite run with a stand-in netperf (answers at once), TCP_RR cases, external server; node ${process.version}`);
console.log(`node -e 0: ${(nodeStart * 1000).toFixed(0)} ms; 10 cases: ${fixed.toFixed(3)} s (the fixed cost the per-case figures leave out)`);
console.log('cases      wall      per case   peak RSS');
for (const n of sizes) {
  const runs = Array.from({ length: trials }, () => run(n));
  const wall = median(runs.map((r) => r.seconds));
  const perCase = ((wall - fixed) / (n - 10)) * 1000;
  console.log(
    `${String(n).padStart(6)} ${wall.toFixed(2).padStart(8)} s ${perCase.toFixed(2).padStart(8)} ms ${Math.max(...runs.map((r) => r.rssMb))
      .toFixed(0)
      .padStart(7)} MB`,
  );
}
listener.close();
