import type { MeasureName } from './metrics.js';

/** What a finished netperf process left behind. */
export interface ProcessOutcome {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Why a run produced no measurement; each kind has its own message and fix. */
export type FailureKind =
  | 'no-netserver'
  | 'dns'
  | 'message-too-long'
  | 'unknown-test'
  | 'netserver-died'
  | 'data-connection-refused'
  | 'remote-timeout'
  | 'timeout'
  | 'missing-keys'
  | 'bad-output'
  | 'not-applied'
  | 'netperf-failed'
  | 'netperf-missing'
  | 'ssh-auth'
  | 'ssh-unreachable'
  | 'ssh-failed'
  | 'netserver-missing'
  | 'version-mismatch'
  | 'setup-failed'
  | 'control-failed'
  | 'too-few-rounds'
  | 'interrupted';

export interface RunFailure {
  readonly kind: FailureKind;
  readonly message: string;
}

/** Failures of the surroundings rather than of the case: worth a bounded retry. */
export const INFRASTRUCTURE_FAILURES: ReadonlySet<FailureKind> = new Set(['no-netserver', 'netserver-died', 'remote-timeout']);

/** One run's metrics and evidence (retransmissions, MSS, qdisc drops), in the units of the metrics table. */
export type RunMetrics = Partial<Record<MeasureName, number>>;

/** One interim result of a run (`interval:`): seconds from the run's start to the end of the interval, and the metric. */
export type SeriesPoint = { readonly t: number } & RunMetrics;

export type ParsedRun =
  | {
      readonly kind: 'measured';
      readonly metrics: RunMetrics;
      readonly keyvals: Readonly<Record<string, string>>;
      readonly confidenceWidthPercent?: number;
      /** With `interval:`, netperf's interim results. */
      readonly series?: readonly SeriesPoint[];
      /** With `interval:`, when the first interval began: epoch seconds on this host's clock (netperf's own). */
      readonly seriesStart?: number;
    }
  | { readonly kind: 'error'; readonly failure: RunFailure };
