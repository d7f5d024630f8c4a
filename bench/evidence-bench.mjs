#!/usr/bin/env node
// What recording the evidence costs (docs/judging.md, "Evidence: why it regressed"), root only:
// 1. on a veth into a namespace: one read of both ends' qdisc counters through the tc that stays up (a run reads twice),
//    against starting `tc -s qdisc show` for each end instead; the facts of a netns server (read once per run); and a
//    1 s netperf TCP_STREAM with and without the selectors of retransmissions and MSS, alternating;
// 2. a netns case of 10 one-second TCP_STREAM runs through `perfsuite run`, after a first case that brought the server up
//    (and read its facts): the time each run takes beyond its second, for this build and, with --base BIN, another build
//    (say the commit before the evidence), interleaved over trials.
// Usage: npm run build && sudo node bench/evidence-bench.mjs [--trials N] [--base /path/to/other/bin/perfsuite.js]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createNetnsLink } from '../dist/exec/netns-link.js';
import { readSide, serverFacts, startLinkCounters } from '../dist/exec/path-facts.js';
import { startLocalNetserver } from '../dist/exec/local-netserver.js';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '5' }, base: { type: 'string' } } });
const trials = Number(values.trials);
const root = fileURLToPath(new URL('..', import.meta.url));
const builds = { 'this build': path.join(root, 'bin/perfsuite.js'), ...(values.base === undefined ? {} : { base: values.base }) };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(2)} ms`;

// 1. the reads themselves
const link = await createNetnsLink({ rate: '1gbit' });
const counters = startLinkCounters(link.ends);
try {
  await counters.read();
  const reads = [];
  for (let i = 0; i < 500; i++) {
    const started = performance.now();
    await counters.read();
    reads.push(performance.now() - started);
  }
  const spawns = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    for (const end of link.ends) spawnSync('tc', [...end.prefix, '-s', 'qdisc', 'show', 'dev', end.device]);
    spawns.push(performance.now() - started);
  }
  const facts = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    serverFacts(
      ...(await Promise.all([
        readSide([], { interface: link.hostInterface }, 'this host'),
        readSide(link.exec, { interface: link.peerInterface }, 'the namespace'),
      ])),
    );
    facts.push(performance.now() - started);
  }
  console.log(`qdisc counters of both veth ends, one read (median of 500): ${ms(median(reads))}; a run reads twice: ${ms(2 * median(reads))}`);
  console.log(`  the same with a tc process per end per read instead (median of 50): ${ms(median(spawns))}; twice a run: ${ms(2 * median(spawns))}`);
  console.log(`the facts of a netns server, both sides, once per server per run (median of 20): ${ms(median(facts))}`);
  const netserver = await startLocalNetserver({ host: link.peerAddress, port: 12865, prefix: link.exec });
  try {
    const before =
      'THROUGHPUT,THROUGHPUT_UNITS,ELAPSED_TIME,LSS_SIZE_END,LSR_SIZE_END,RSS_SIZE_END,RSR_SIZE_END,LOCAL_SEND_SIZE,REMOTE_RECV_SIZE,LOCAL_NODELAY,REMOTE_NODELAY';
    const selectors = { without: before, with: `${before},TRANSPORT_MSS,LOCAL_TRANSPORT_RETRANS` };
    const walls = { without: [], with: [] };
    for (let i = 0; i < 15; i++) {
      for (const which of ['without', 'with']) {
        const started = performance.now();
        spawnSync('netperf', ['-P', '0', '-H', link.peerAddress, '-p', '12865', '-t', 'TCP_STREAM', '-l', '1', '--', '-k', selectors[which]]);
        walls[which].push(performance.now() - started);
      }
    }
    console.log(
      `a 1 s netperf TCP_STREAM through the link (median of 15, alternating): ${ms(median(walls.with))} with the retransmission and MSS selectors, ${ms(median(walls.without))} without`,
    );
  } finally {
    await netserver.stop();
  }
} finally {
  await counters.stop();
  await link.remove();
}

// 2. a whole run
const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-evidence-bench-'));
const suite = path.join(dir, 'overhead.yml');
writeFileSync(
  suite,
  'version: 1\nname: overhead\nservers:\n  shaped: { type: netns, link: { rate: 1gbit } }\ndefaults:\n  server: shaped\n  test: TCP_STREAM\n  duration: 1s\ntests:\n  - name: first\n  - name: bulk\n    repeat: 10\n',
);
const beyond = Object.fromEntries(Object.keys(builds).map((name) => [name, []]));
for (let trial = 0; trial < trials; trial++) {
  for (const [name, bin] of Object.entries(builds)) {
    const out = path.join(dir, `out-${trial}-${name.replace(/\W/g, '')}`);
    const r = spawnSync(process.execPath, [bin, 'run', suite, '--out', out], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    if (r.status !== 0) throw new Error(`${name}: perfsuite run failed (${r.status}): ${r.stdout}${r.stderr}`);
    const c = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).suites[0].cases[1];
    beyond[name].push((c.durationSeconds / c.runs.length - 1) * 1000);
  }
}
console.log(
  `a netns case of 10 one-second TCP_STREAM runs on a server already up, ${trials} interleaved trials: time per run beyond its second, median (range)`,
);
for (const [name, xs] of Object.entries(beyond)) console.log(`  ${name}: ${ms(median(xs))} (${ms(Math.min(...xs))} … ${ms(Math.max(...xs))})`);
