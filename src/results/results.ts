import type { FailureKind, RunMetrics } from '../netperf/parse-output.js';
import type { Spread } from '../run/aggregate.js';
import type { CaseParams } from '../suite/types.js';
import type { Comparison, RegressionOutcome, RegressionTolerance } from '../compare/compare-runs.js';
import type { Selection } from '../plan/select-cases.js';
import type { ThresholdOutcome } from '../thresholds/evaluate-thresholds.js';

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
