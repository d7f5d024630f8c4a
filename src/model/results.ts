import type { MetricName } from './metrics.js';
import type { FailureKind, RunMetrics } from './netperf-outcome.js';
import type { CaseParams } from './suite-types.js';
import type { Aggregate, Operator } from './threshold.js';

/** The version of the results.json format (schemas/results.schema.json). */
export const RESULTS_SCHEMA_VERSION = 1;

export type CaseStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** One netperf process of one run, for reports and debugging. */
export interface NetperfInvocation {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationSeconds: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Everything measured and judged for one case. */
export interface CaseResult {
  readonly id: string;
  readonly group: string;
  readonly server: string;
  readonly params: CaseParams;
  readonly file: string;
  readonly line: number;
  readonly status: CaseStatus;
  /** The median of each metric over the measured runs (bit/s, /s, µs, %). */
  readonly metrics: RunMetrics;
  /** Each measured run's metrics (streams already combined). */
  readonly runs: readonly RunMetrics[];
  readonly spread: Readonly<Record<string, Spread>>;
  /** Confidence-interval width netperf reached per run, in % of the mean, when `confidence` is set. */
  readonly confidenceWidthPercent?: readonly number[];
  readonly thresholds: readonly ThresholdOutcome[];
  /** The group's `regression:` tolerances, kept so a later `compare` needs only the results. */
  readonly regression?: readonly RegressionTolerance[];
  /** Each tolerance judged against the baseline case of the same id, when run or compared with a baseline. */
  readonly regressions?: readonly RegressionOutcome[];
  readonly error?: { readonly kind: FailureKind; readonly message: string };
  /** Infrastructure retries this case needed. */
  readonly retries: number;
  readonly durationSeconds: number;
  /** The netperf processes of the last measured run (one per stream). */
  readonly netperf: readonly NetperfInvocation[];
}

export interface SuiteResult {
  readonly name: string;
  readonly file: string;
  readonly cases: readonly CaseResult[];
}

export interface Environment {
  readonly hostname: string;
  readonly platform: string;
  readonly kernel: string;
  readonly arch: string;
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly netperfVersion: string;
  readonly perfsuiteVersion: string;
}

/** results.json: the single source of truth every report is rendered from. */
export interface RunResult {
  readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  /** `running` while cases are being measured; `complete`, `interrupted` or `crashed` at the end. */
  readonly state: 'running' | 'complete' | 'interrupted' | 'crashed';
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly environment: Environment;
  readonly servers: readonly { readonly key: string; readonly host: string; readonly port: number; readonly pid?: number }[];
  readonly suites: readonly SuiteResult[];
  /** Present when the run was judged against a baseline (`run --baseline`, `compare`). */
  readonly comparison?: Comparison;
  /** Present when `--filter` or `--shard` chose the cases: what they did, and every case this run set out to measure. */
  readonly selection?: Selection & { readonly plannedCases: readonly string[] };
  /** Present on the result of `report` over several files: what joining them found. */
  readonly merge?: MergeReport;
}

/** What joining several results files found. */
export interface MergeReport {
  readonly sources: readonly string[];
  /** Case ids found in more than one file (the first is kept). */
  readonly duplicateCases: readonly string[];
  /** Cases some file set out to measure (its selection) that no file has. */
  readonly missingCases: readonly string[];
  /** Shards of an N-way split with no file, 1-based. */
  readonly missingShards: readonly number[];
}

/** A `regression:` entry of the case's group, as results.json keeps it. */
export interface RegressionTolerance {
  readonly metric: MetricName;
  /** The allowed worsening in the metric's bad direction, in percent of the baseline. */
  readonly tolerancePercent: number;
  readonly file: string;
  readonly line: number;
}

/** Why a comparison came out as it did. */
export type Evidence =
  | { readonly test: 'mann-whitney-u'; readonly pValue: number; readonly alpha: number; readonly u: number; readonly method: 'exact' | 'normal' }
  | { readonly test: 'tolerance-only'; readonly reason: string }
  | { readonly test: 'none'; readonly reason: string };

/** One metric of one case against the baseline. */
export interface RegressionOutcome extends RegressionTolerance {
  /**
   * `regressed`: worse beyond the tolerance and significant (or too few runs to test, said in the evidence);
   * `not-significant`: worse beyond the tolerance but within run-to-run noise; `within-tolerance`: not worse beyond
   * it (a change inside the tolerance is never flagged); `not-compared`: a side has no value (see evidence).
   */
  readonly verdict: 'regressed' | 'not-significant' | 'within-tolerance' | 'not-compared';
  readonly passed: boolean;
  /** Median of the baseline runs, in the metric's unit. */
  readonly baseline: number | null;
  /** Median of this run's runs. */
  readonly current: number | null;
  /** (current − baseline) / baseline in percent; negative is lower; null when the baseline is 0 (see changeReason). */
  readonly changePercent: number | null;
  /** For loss: current − baseline in percentage points, which the tolerance is judged against. */
  readonly changePoints?: number;
  /** Why there is no relative change, when changePercent is null though both sides have values. */
  readonly changeReason?: string;
  readonly baselineRuns: readonly number[];
  readonly currentRuns: readonly number[];
  readonly evidence: Evidence;
}

/** How this run relates to its baseline as a whole. */
export interface Comparison {
  readonly baselineFile: string;
  readonly baselineStartedAt: string;
  readonly alpha: number;
  /** Environment fields that differ (netperf version, kernel, CPU count, CPU model, hostname): compared anyway, said loudly. */
  readonly environmentDifferences: readonly { readonly field: string; readonly baseline: string; readonly current: string }[];
  /** Baseline cases of this run's suites that this run did not measure. */
  readonly missingCases: readonly string[];
  /** Cases of this run with no baseline case of the same id. */
  readonly newCases: readonly string[];
}

/** The verdict on one threshold for one case. */
export interface ThresholdOutcome {
  readonly metric: string;
  readonly expression: string;
  readonly aggregate: Aggregate;
  /** The comparison, parsed from the expression. */
  readonly op: Operator;
  /** The limit in the metric's unit (bit/s, /s, µs, %), parsed from the expression. */
  readonly limit: number;
  /** The aggregate of the case's runs, in the metric's unit; null when the case did not produce the metric. */
  readonly actual: number | null;
  readonly passed: boolean;
  readonly file: string;
  readonly line: number;
}

/** How far a metric's runs spread: min, max and the coefficient of variation in %. */
export interface Spread {
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation over the mean, in %; 0 for a single run. */
  readonly cvPercent: number;
}

/** Which part of the work this job runs: `index` is 1-based. */
export interface Shard {
  readonly index: number;
  readonly total: number;
}

/** What `--filter` and `--shard` made of a run, for plan output and results.json. */
export interface Selection {
  readonly filters: readonly string[];
  /** Cases after the filters, before sharding. */
  readonly matched: number;
  /** Cases in the suites. */
  readonly of: number;
  readonly shard?: Shard & { /** Estimated seconds of every shard, in shard order. */ readonly estimatedSeconds: readonly number[] };
}
