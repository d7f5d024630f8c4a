// Shared by the benchmarks: run node with arguments, timing it and reading its peak RSS (bench/report-rss.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const rssHook = path.join(root, 'bench/report-rss.mjs');

/** Runs `node <args>` from the project root; exit codes in `okCodes` count as success. */
export function measure(args, okCodes = [0]) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', rssHook, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (!okCodes.includes(result.status)) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const rssKb = Number(/PERFSUITE_BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr)?.[1]);
  return { seconds, rssMb: rssKb / 1024, stdout: result.stdout };
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One table row: median and min time, peak RSS. */
export const row = (name, runs) =>
  `${name.padEnd(34)} ${median(runs.map((r) => r.seconds))
    .toFixed(3)
    .padStart(8)} s ${Math.min(...runs.map((r) => r.seconds))
    .toFixed(3)
    .padStart(8)} s ${Math.max(...runs.map((r) => r.rssMb))
    .toFixed(0)
    .padStart(6)} MB`;

const sizes = (n, step) => Array.from({ length: n }, (_, i) => (i + 1) * step).join(', ');

/** A one-group TCP_STREAM sweep of `send` × `recv` × `buffers` values (so that many cases) in `dir`; returns its path. */
export function writeSweepSuite(dir, { send, recv, buffers, defaults = '{ duration: 1 }', extra = [] }) {
  const file = path.join(dir, 'sweep.yml');
  writeFileSync(
    file,
    [
      'version: 1',
      'name: sweep',
      `defaults: ${defaults}`,
      'tests:',
      '  - name: bulk',
      '    test: TCP_STREAM',
      '    thresholds: { throughput: ">= 1 Mbit/s" }',
      ...extra.map((line) => `    ${line}`),
      '    matrix:',
      `      send_size: [${sizes(send, 512)}]`,
      `      recv_size: [${sizes(recv, 256)}]`,
      `      socket_buffer: [${sizes(buffers, 4096)}]`,
      '',
    ].join('\n'),
  );
  return file;
}

/** 1–2 busy loops, each switching on and off at random every 0.5–2 s, until stopped. */
export function noisyNeighbour() {
  const workers = [];
  let stopped = false;
  const count = 1 + Math.floor(Math.random() * 2);
  for (let i = 0; i < count; i++) {
    const worker = { child: undefined, timer: undefined };
    const toggle = () => {
      if (stopped) return;
      if (worker.child === undefined) worker.child = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
      else {
        worker.child.kill('SIGKILL');
        worker.child = undefined;
      }
      worker.timer = setTimeout(toggle, 500 + Math.random() * 1500);
    };
    worker.timer = setTimeout(toggle, Math.random() * 1500);
    workers.push(worker);
  }
  return () => {
    stopped = true;
    for (const w of workers) {
      clearTimeout(w.timer);
      w.child?.kill('SIGKILL');
    }
  };
}
