/** Threshold expressions as parsed from a suite: `[aggregate] OP VALUE UNIT` (see parseThreshold). */
export const AGGREGATES = ['median', 'mean', 'min', 'max'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
export const OPERATORS = ['<', '<=', '>', '>=', '=='] as const;
export type Operator = (typeof OPERATORS)[number];

/** A parsed threshold: `aggregate(metric) op value`, with the value in the metric's own unit. */
export interface Threshold {
  readonly aggregate: Aggregate;
  readonly op: Operator;
  /** The limit in the unit of the metrics table (bit/s, /s, µs, %, µs/KB). */
  readonly value: number;
  /** The expression as written in the suite. */
  readonly expression: string;
}
