import type { SourceLocation } from './diagnostics.js';
import type { MetricName } from './metrics.js';
import type { TestName } from './test-types.js';
import type { Threshold } from './threshold.js';

/** A value and the place in the suite file it came from. */
export interface Located<T> {
  readonly value: T;
  readonly loc: SourceLocation;
}

/** netperf's confidence-interval options, normalised. */
export interface ConfidenceParams {
  /** Confidence level in percent (95 or 99). */
  readonly level: number;
  /** Full interval width in percent of the mean (5 = ±2.5%). */
  readonly width: number;
  /** `[min, max]` iterations. */
  readonly iterations: readonly [number, number];
}

/** A case's parameters, normalised: sizes in bytes, durations in seconds. Only what the suite sets is present. */
export interface CaseParams {
  readonly test?: TestName;
  /** Seconds per run (netperf `-l`). */
  readonly duration?: number;
  /** Bytes per send (netperf `-- -m`). */
  readonly send_size?: number;
  /** Bytes per receive (netperf `-- -M`). */
  readonly recv_size?: number;
  /** Bytes at both ends, or `default` (nothing passed). */
  readonly socket_buffer?: number | 'default';
  readonly local_buffer?: number | 'default';
  readonly remote_buffer?: number | 'default';
  readonly nodelay?: boolean;
  readonly request_size?: number;
  readonly response_size?: number;
  readonly streams?: number;
  readonly ip_version?: 4 | 6;
  readonly confidence?: ConfidenceParams;
  readonly cpu?: boolean;
  readonly repeat?: number;
  readonly warmup?: number;
  /** Seconds the whole case may take. */
  readonly timeout?: number;
  readonly extra_args?: { readonly global: readonly string[]; readonly test: readonly string[] };
}

export type ParamName = keyof CaseParams;
export type ParamValue = NonNullable<CaseParams[ParamName]>;
export type LocatedParams = { readonly [K in ParamName]?: Located<NonNullable<CaseParams[K]>> };

export type ServerSpec =
  | { readonly type: 'local'; readonly control_port?: number }
  | {
      readonly type: 'ssh';
      readonly host: string;
      readonly user?: string;
      readonly ssh_port?: number;
      readonly identity_file?: string;
      readonly control_port?: number;
      readonly data_port?: number;
      readonly netserver?: string;
    }
  | { readonly type: 'external'; readonly host: string; readonly control_port?: number; readonly data_port?: number }
  | { readonly type: 'netns'; readonly link?: { readonly rate?: string; readonly delay?: string; readonly jitter?: string; readonly loss?: number } };

/** A threshold as written in a group, parsed. */
export interface ThresholdSpec {
  readonly metric: MetricName;
  readonly threshold: Threshold;
  /** Only cases whose parameters have one of these values (normalised) are judged. */
  readonly when?: Readonly<Partial<Record<ParamName, readonly ParamValue[]>>>;
  readonly loc: SourceLocation;
}

/** An allowed worsening of a metric against a baseline. */
export interface RegressionSpec {
  readonly metric: MetricName;
  readonly tolerancePercent: number;
  readonly loc: SourceLocation;
}

export interface MatrixSpec {
  readonly loc: SourceLocation;
  readonly axes: readonly { readonly name: ParamName; readonly loc: SourceLocation; readonly values: readonly Located<ParamValue>[] }[];
  readonly exclude: readonly { readonly loc: SourceLocation; readonly params: LocatedParams }[];
  readonly include: readonly { readonly loc: SourceLocation; readonly params: LocatedParams }[];
}

export interface GroupSpec {
  readonly name: string;
  readonly description?: string;
  readonly loc: SourceLocation;
  readonly server: Located<string>;
  readonly params: LocatedParams;
  readonly matrix?: MatrixSpec;
  readonly thresholds: readonly ThresholdSpec[];
  readonly regression: readonly RegressionSpec[];
}

/** A validated suite file, before matrix expansion. */
export interface SuiteSpec {
  readonly name: string;
  readonly description?: string;
  readonly file: string;
  readonly loc: SourceLocation;
  readonly servers: Readonly<Record<string, ServerSpec>>;
  readonly defaults: LocatedParams;
  readonly groups: readonly GroupSpec[];
}

/** One fully specified netperf experiment. */
export interface Case {
  /** `<suite>/<group>[k=v,...]`, keys sorted: stable across runs and machines. */
  readonly id: string;
  readonly suite: string;
  readonly group: string;
  readonly server: string;
  readonly params: CaseParams;
  /** The YAML node that defined the case (its matrix value or include entry, or its group). */
  readonly loc: SourceLocation;
  readonly thresholds: readonly ThresholdSpec[];
  readonly regression: readonly RegressionSpec[];
}
