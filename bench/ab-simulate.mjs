#!/usr/bin/env node
// The A/B gate's verdicts on real per-round ratios, old gate against new: the per-round log-ratios candidate/control
// recorded by bench/ab-bench.mjs (or any run's results.json of a compare: group) are resampled (rounds drawn with
// replacement) into many simulated trials, each judged after every round as the product does, by
//   old  the sign test with its α-spending plan over the looks (src/stats/sequential.ts sequentialLevels)
//   new  the Wilcoxon signed-rank test with Hodges–Lehmann bounds and its plan (signedRankLevels)
// Two ways to draw the rounds: `pooled` (from every trial's rounds of that test, so the trials' own offsets are part of
// the noise) and `centred` (each trial's rounds moved so their median is 0 first: only the noise's shape is left).
// (Drawing from one trial's own rounds would make its chance offset the truth, and count it as a false alarm.)
// Usage: npm run build && node bench/ab-simulate.mjs [--paths N] [--repeat MIN,MAX] [--tolerance PCT] [--suite NAME]
//   DIR_OR_RESULTS_JSON…   (--suite aa: only ab-bench's A/A trials)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { judgePaired, judgePairedSymmetric } from '../dist/stats/judge-change.js';
import { createRandom } from '../dist/stats/random.js';
import { sequentialLevels, signedRankLevels } from '../dist/stats/sequential.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const paths = Number(option('--paths', '2000'));
const [min, max] = option('--repeat', '7,20').split(',').map(Number);
const tolerance = Number(option('--tolerance', '5')) / 100;
const suiteName = option('--suite', undefined);

const files = args.flatMap((arg) => {
  if (!statSync(arg).isDirectory()) return [arg];
  return readdirSync(arg, { recursive: true })
    .filter((f) => String(f).endsWith('results.json'))
    .map((f) => path.join(arg, String(f)));
});

/** Per test: every trial's per-round log-ratios (higher is better metrics only: throughput, transaction_rate). */
const trials = new Map();
for (const file of files) {
  const results = JSON.parse(readFileSync(file, 'utf8'));
  for (const c of results.suites.filter((s) => suiteName === undefined || s.name === suiteName).flatMap((s) => s.cases))
    for (const r of c.regressions ?? []) {
      if (r.source !== 'control' || !['throughput', 'transaction_rate'].includes(r.metric)) continue;
      const ratios = r.currentRuns.map((v, i) => Math.log(v / r.againstRuns[i]));
      if (ratios.length >= 2) trials.set(c.params.test, [...(trials.get(c.params.test) ?? []), ratios]);
    }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const gates = {
  old: { judge: judgePaired, levels: sequentialLevels(0.01, min, max) },
  new: { judge: judgePairedSymmetric, levels: signedRankLevels(0.01, min, max) },
};

/** One simulated trial per path, rounds drawn from `pool`: the verdict at the first decided look, and its round. */
function simulate(gate, pools, seed) {
  const random = createRandom(seed);
  const counts = { regressed: 0, unchanged: 0, inconclusive: 0 };
  let rounds = 0;
  for (let p = 0; p < paths; p++) {
    const pool = pools[p % pools.length];
    const control = [];
    const candidate = [];
    let verdict = 'inconclusive';
    let n = 0;
    while (n < max && verdict === 'inconclusive') {
      n++;
      control.push(1);
      candidate.push(Math.exp(pool[Math.floor(random() * pool.length)]));
      const level = gate.levels[n] ?? 0;
      if (n >= min && level > 0) verdict = gate.judge(control, candidate, { better: 'higher', tolerance, alpha: level }).verdict;
    }
    counts[verdict]++;
    rounds += n;
  }
  const share = (k) => `${((100 * counts[k]) / paths).toFixed(1)}%`;
  return { regressed: share('regressed'), unchanged: share('unchanged'), inconclusive: share('inconclusive'), rounds: (rounds / paths).toFixed(1) };
}

console.log(`${files.length} results files; ${paths} simulated trials per row; repeat { min: ${min}, max: ${max} }; tolerance ${tolerance * 100}%\n`);
// a lasting difference between a trial's arms shows as trial means that spread more than their rounds' noise explains
console.log('| test | trials | mean log-ratio per trial | spread of the trial means | expected from the rounds alone | ratio |');
console.log('|---|---|---|---|---|---|');
for (const [test, recorded] of trials) {
  const means = recorded.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
  const grand = means.reduce((a, b) => a + b, 0) / means.length;
  const between = Math.sqrt(means.reduce((a, b) => a + (b - grand) ** 2, 0) / Math.max(1, means.length - 1));
  const within = Math.sqrt(recorded.reduce((a, r, i) => a + r.reduce((b, x) => b + (x - means[i]) ** 2, 0) / (r.length - 1) / r.length, 0) / recorded.length);
  console.log(
    `| ${test} | ${recorded.length} | ${means.map((m) => `${(m * 100).toFixed(1)}%`).join(' ')} | ${(between * 100).toFixed(2)}% | ${(within * 100).toFixed(2)}% | ${(between / within).toFixed(2)} |`,
  );
}
console.log('');
console.log(
  '| test | rounds drawn | trials recorded (rounds) | spread of a round (sd of log-ratio) | gate | regressed | unchanged | inconclusive | mean rounds |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [test, recorded] of trials) {
  const all = recorded.flat();
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1));
  const ways = {
    pooled: [all],
    centred: [recorded.flatMap((ratios) => ratios.map((x) => x - median(ratios)))],
  };
  for (const [way, pools] of Object.entries(ways))
    for (const [name, gate] of Object.entries(gates)) {
      const r = simulate(gate, pools, 1);
      console.log(
        `| ${test} | ${way} | ${recorded.length} (${all.length}) | ${(sd * 100).toFixed(1)}% | ${name} | ${r.regressed} | ${r.unchanged} | ${r.inconclusive} | ${r.rounds} |`,
      );
    }
}
