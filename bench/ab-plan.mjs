#!/usr/bin/env node
// The same-run A/B gate's false alarms over every look of a repeat { min, max } plan, on a million simulated paths
// independent of the ones the plan was calibrated on (src/stats/sequential.ts signedRankLevels): identical arms whose
// arms' order is random in every round give fair-coin signs on a uniformly random ranking of the differences' sizes,
// so this is exact up to the simulation's own error (±0.01% at a million paths). Also the time to build the plan.
// Usage: npm run build && node bench/ab-plan.mjs [MIN MAX [PATHS]]   (default 7 20 1000000)
import { signedRankLevels } from '../dist/stats/sequential.js';
import { signedRankCritical, walkNullSignedRank } from '../dist/stats/signed-rank.js';
import { createRandom } from '../dist/stats/random.js';

const [min, max, paths] = [Number(process.argv[2] ?? 7), Number(process.argv[3] ?? 20), Number(process.argv[4] ?? 1e6)];
const started = performance.now();
const levels = signedRankLevels(0.01, min, max);
const planMs = performance.now() - started;
const critical = levels.map((level, n) => (level > 0 ? signedRankCritical(n, level) : Infinity));
const random = createRandom(987654321);
let crossed = 0;
for (let p = 0; p < paths; p++) {
  walkNullSignedRank(random, max, (n, w) => {
    if (n < min || w < critical[n]) return false;
    crossed++;
    return true;
  });
}
console.log(
  `repeat { min: ${min}, max: ${max} }: identical arms regressed at some look in ${((100 * crossed) / paths).toFixed(3)}% of ${paths} independent paths (α = 1%); plan built in ${planMs.toFixed(0)} ms`,
);
