#!/usr/bin/env node
// How well the same-run A/B gate separates real changes from noise, on a noisy machine: during every trial 1–2
// CPU-busy processes switch on and off at random (each on or off for 0.5–2 s); with --quiet, on the machine as it is.
// Each trial is a fresh `perfsuite run`.
//   A/A   identical unshaped netns arms, TCP_STREAM and TCP_RR, 5% tolerance, the default repeat of compare: groups
//         (--aa-repeat '{ min: 7, max: 40 }' for another): never regressed (goal: ≤ 1%), unchanged as often as it can
//   95    arms shaped 100 vs 95 Mbit/s, 2% tolerance: regressed in ≥ 95% of trials
//   98    arms shaped 100 vs 98 Mbit/s, 1% tolerance: the rate, whatever it is
//   gate  the stored-baseline gate on the same noise and the same unshaped arm: run A, then run B --baseline A
// For each: the shares of regressed / unchanged / inconclusive, median rounds and wall time to a verdict.
// Every arm pins netperf to CPU 0 and netserver to CPU 1 (cpu_affinity), unless --unpinned.
// Usage (Linux, root): npm run bench:ab -- [--trials N] [--quick] [--quiet] [--unpinned] [--only aa,95,98,gate]
//   [--aa-repeat YAML] [--aa-duration 3s] [--seed-base N]   (default 20 trials A/A and 95, 10 for 98 and gate)
// Every trial's results.json stays in the printed directory: bench/ab-simulate.mjs replays their per-round ratios.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { netnsUnavailable } from '../dist/exec/netns-link.js';
import { median, noisyNeighbour, root } from './measure.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const quiet = args.includes('--quiet');
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const aaRepeat = option('--aa-repeat');
const aaDuration = option('--aa-duration') ?? '1s';
const seedBase = Number(option('--seed-base') ?? 0);
const trialsArg = args.indexOf('--trials');
const trials = trialsArg >= 0 ? Number(args[trialsArg + 1]) : quick ? 2 : 20;
const fewer = trialsArg >= 0 ? trials : quick ? 2 : 10;
const unavailable = await netnsUnavailable();
if (unavailable !== undefined) {
  console.log(`skipped: ${unavailable}`);
  process.exit(0);
}

// both arms' netperf on CPU 0 and netserver on CPU 1, as docs/judging.md advises for compare: groups (--unpinned: neither)
const PINNED = args.includes('--unpinned') || cpus().length < 2 ? '' : ', cpu_affinity: { local: 0, remote: 1 }';
const only = args.includes('--only') ? new Set(args[args.indexOf('--only') + 1]?.split(',')) : undefined;
const wanted = (scenario) => only === undefined || only.has(scenario);

const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-ab-bench-'));
const bin = path.join(root, 'bin/perfsuite.js');

function abSuite(name, baseLink, headLink, groups) {
  const link = (rate) => (rate === undefined ? '' : `, link: { rate: ${rate} }`);
  const file = path.join(dir, `${name}.yml`);
  const lines = [
    'version: 1',
    `name: ${name}`,
    'servers:',
    `  base: { type: netns${link(baseLink)} }`,
    `  head: { type: netns${link(headLink)} }`,
    `defaults: { duration: ${name === 'aa' ? aaDuration : '1s'}${PINNED} }`,
    'tests:',
  ];
  for (const g of groups)
    lines.push(
      `  - name: ${g.name}`,
      `    test: ${g.test}`,
      '    matrix: { server: [base, head] }',
      '    compare: { server: base }',
      ...(g.repeat === undefined ? [] : [`    repeat: ${g.repeat}`]),
      `    regression: { ${g.metric}: ${g.tolerance}% }`,
    );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function gateSuite() {
  const file = path.join(dir, 'gate.yml');
  const lines = [
    'version: 1',
    'name: gate',
    'servers:',
    '  arm: { type: netns }',
    `defaults: { duration: 1s, repeat: 5${PINNED} }`,
    'tests:',
    '  - { name: bulk, server: arm, test: TCP_STREAM, regression: { throughput: 5% } }',
    '  - { name: rr, server: arm, test: TCP_RR, regression: { transaction_rate: 5% } }',
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** One fresh run under noise: its exit code, wall seconds and results. */
async function run(suite, extra = []) {
  const out = mkdtempSync(path.join(dir, 'out-'));
  const stop = quiet ? () => undefined : noisyNeighbour();
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'run', suite, '--out', out, '--reporter', 'markdown', ...extra], {
    stdio: 'ignore',
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
  const seconds = (performance.now() - started) / 1000;
  stop();
  return { code, seconds, out, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) };
}

const outcomesOf = (results) => results.suites.flatMap((s) => s.cases.flatMap((c) => (c.regressions ?? []).map((r) => ({ test: c.params.test, ...r }))));

function summarize(label, outcomes, seconds) {
  const by = (v) => outcomes.filter((o) => o.verdict === v).length;
  const share = (v) => `${by(v)}/${outcomes.length}`;
  const rounds = outcomes.map((o) => o.rounds?.length ?? o.currentRuns.length);
  const changes = outcomes.filter((o) => o.change !== null).map((o) => o.change * 100);
  return {
    label,
    regressed: share('regressed'),
    unchanged: share('unchanged'),
    inconclusive: share('inconclusive'),
    rounds: rounds.length === 0 ? '—' : `${median(rounds)} (${Math.min(...rounds)}–${Math.max(...rounds)})`,
    change: changes.length === 0 ? '—' : `${median(changes).toFixed(1)}% (${Math.min(...changes).toFixed(1)} … ${Math.max(...changes).toFixed(1)})`,
    seconds: `${median(seconds).toFixed(0)} s`,
  };
}

const rows = [];
async function abScenario(label, file, n) {
  const outcomes = [];
  const seconds = [];
  for (let t = 0; t < n; t++) {
    const r = await run(file, ['--seed', String(seedBase + t + 1)]);
    outcomes.push(...outcomesOf(r.results));
    seconds.push(r.seconds);
    process.stderr.write(
      `${label} ${t + 1}/${n}: exit ${r.code}, ${r.seconds.toFixed(0)} s, ${outcomesOf(r.results)
        .map((o) => `${o.test} ${o.verdict} ${o.change === null ? '' : (o.change * 100).toFixed(1)}% in ${o.rounds?.length}`)
        .join('; ')}\n`,
    );
  }
  for (const test of [...new Set(outcomes.map((o) => o.test))])
    rows.push(
      summarize(
        `${label} ${test}`,
        outcomes.filter((o) => o.test === test),
        seconds,
      ),
    );
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Linux ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}`;
const started = performance.now();
if (wanted('aa'))
  await abScenario(
    'A/A unshaped, tol 5%',
    abSuite('aa', undefined, undefined, [
      { name: 'bulk', test: 'TCP_STREAM', metric: 'throughput', tolerance: 5, repeat: aaRepeat },
      { name: 'rr', test: 'TCP_RR', metric: 'transaction_rate', tolerance: 5, repeat: aaRepeat },
    ]),
    trials,
  );
if (wanted('95'))
  await abScenario(
    '100 vs 95 Mbit/s, tol 2%',
    abSuite('ab95', '100mbit', '95mbit', [{ name: 'bulk', test: 'TCP_STREAM', metric: 'throughput', tolerance: 2, repeat: '{ min: 7, max: 20 }' }]),
    trials,
  );
if (wanted('98'))
  await abScenario(
    '100 vs 98 Mbit/s, tol 1%',
    abSuite('ab98', '100mbit', '98mbit', [{ name: 'bulk', test: 'TCP_STREAM', metric: 'throughput', tolerance: 1, repeat: '{ min: 7, max: 20 }' }]),
    fewer,
  );

// the stored-baseline gate on the same noise: run A, then run B judged against A
const gate = gateSuite();
const gateOutcomes = [];
const gateSeconds = [];
for (let t = 0; t < (wanted('gate') ? fewer : 0); t++) {
  const a = await run(gate);
  const b = await run(gate, ['--baseline', path.join(a.out, 'results.json')]);
  gateOutcomes.push(...outcomesOf(b.results));
  gateSeconds.push(a.seconds + b.seconds);
  process.stderr.write(
    `baseline gate ${t + 1}/${fewer}: ${outcomesOf(b.results)
      .map((o) => `${o.test} ${o.verdict} ${o.change === null ? '' : (o.change * 100).toFixed(1)}%`)
      .join('; ')}\n`,
  );
}
if (wanted('gate'))
  for (const test of ['TCP_STREAM', 'TCP_RR'])
    rows.push(
      summarize(
        `baseline gate A then B, tol 5%: ${test}`,
        gateOutcomes.filter((o) => o.test === test),
        gateSeconds,
      ),
    );

console.log(
  `\nmachine: ${machine}; noise: ${quiet ? 'none added (--quiet)' : '1–2 busy loops switching every 0.5–2 s'}; A/A runs of ${aaDuration}${aaRepeat === undefined ? '' : `, repeat ${aaRepeat}`}; results in ${dir}; ${PINNED === '' ? 'arms not pinned' : 'arms pinned: netperf CPU 0, netserver CPU 1'}; ${((performance.now() - started) / 60000).toFixed(1)} min in all\n`,
);
console.log(
  '| scenario | regressed | unchanged | inconclusive | rounds (runs) to the verdict: median (range) | change: median (range) | wall time per trial |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.label} | ${r.regressed} | ${r.unchanged} | ${r.inconclusive} | ${r.rounds} | ${r.change} | ${r.seconds} |`);
