import type { Diagnostic } from '../model/diagnostics.js';
import { SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { type Case, repeatRange, type SuiteSpec } from '../model/suite-types.js';
import { twoSampleMinimum } from '../stats/judge-change.js';

/**
 * Groups whose `regression:` can never be decided against a `--baseline`: fewer runs a side than the two-sample test
 * needs to reach α (docs/judging.md), so every comparison would come out inconclusive, however large the change. Not
 * an error (the history's prediction test, `--repeat` at run time and thresholds do not need them), but `validate` says
 * so before a CI run learns it the slow way. A `compare:` group judges its rounds, not runs a side, and is left out.
 */
export function fewRunsForBaseline(suites: readonly SuiteSpec[], cases: readonly Case[]): Diagnostic[] {
  const needed = twoSampleMinimum(SIGNIFICANCE_LEVEL);
  return suites.flatMap((suite) =>
    suite.groups.flatMap((group) => {
      const first = group.regression.find((r) => r.auto !== true);
      if (group.compare !== undefined || first === undefined) return [];
      const runs = cases.filter((c) => c.suite === suite.name && c.group === group.name).map((c) => repeatRange(c.params).min);
      const fewest = runs.reduce((a, b) => Math.min(a, b), Infinity);
      if (!(fewest < needed)) return [];
      return [
        {
          loc: first.loc,
          message: `group '${group.name}' measures ${fewest === 1 ? '1 run' : `${fewest} runs`} a case, and a comparison with a --baseline needs ${needed} a side to reach α = ${SIGNIFICANCE_LEVEL}: every one would be inconclusive, however large the change; set repeat: ${needed} or more (the history's test and thresholds do not need it)`,
        },
      ];
    }),
  );
}
