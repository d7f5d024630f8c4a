import type { RunMetrics } from '../model/netperf-outcome.js';
import type { ThresholdOutcome } from '../model/results.js';
import type { ThresholdSpec } from '../model/suite-types.js';
import type { Aggregate, Operator } from '../model/threshold.js';
import { mean, median } from '../stats/summary.js';

const AGGREGATE: Readonly<Record<Aggregate, (values: readonly number[]) => number>> = {
  median,
  mean,
  min: (values) => Math.min(...values),
  max: (values) => Math.max(...values),
};

const COMPARE: Readonly<Record<Operator, (actual: number, limit: number) => boolean>> = {
  '<': (a, l) => a < l,
  '<=': (a, l) => a <= l,
  '>': (a, l) => a > l,
  '>=': (a, l) => a >= l,
  '==': (a, l) => a === l,
};

/** Judges thresholds on the aggregate of a case's runs; a metric the case did not produce fails, never passes. */
export function evaluateThresholds(specs: readonly ThresholdSpec[], runs: readonly RunMetrics[]): ThresholdOutcome[] {
  return specs.map((spec) => {
    const values = runs.map((run) => run[spec.metric]).filter((v): v is number => v !== undefined);
    const actual = values.length === 0 ? null : AGGREGATE[spec.threshold.aggregate](values);
    return {
      metric: spec.metric,
      expression: spec.threshold.expression,
      aggregate: spec.threshold.aggregate,
      op: spec.threshold.op,
      limit: spec.threshold.value,
      actual,
      passed: actual !== null && COMPARE[spec.threshold.op](actual, spec.threshold.value),
      file: spec.loc.file,
      line: spec.loc.line,
    };
  });
}
