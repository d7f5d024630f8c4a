import type { SourceLocation } from './diagnostics.js';
import type { MetricName } from './metrics.js';
import type { TestName } from './test-types.js';
import type { Threshold } from './threshold.js';
import { formatSize } from './units.js';

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
  /** TCP congestion control at both ends (netperf `-- -K alg,alg`), like `bbr`. */
  readonly congestion_control?: string;
  readonly request_size?: number;
  readonly response_size?: number;
  readonly streams?: number;
  readonly ip_version?: 4 | 6;
  readonly confidence?: ConfidenceParams;
  readonly cpu?: boolean;
  /** netperf `-T local,remote`: the CPU netperf runs on here, and the one the netserver child serving the test runs on. */
  readonly cpu_affinity?: CpuAffinity;
  /** Seconds between netperf's interim results (`-D`); each run keeps them as a series. */
  readonly interval?: number;
  /** Bulk streams to the same server during every measured run (latency under load), or `none`. */
  readonly load?: LoadSpec | 'none';
  /** Measured runs (rounds, in a `compare:` group); `{ min, max }` measures more only while a comparison is inconclusive. */
  readonly repeat?: number | RepeatRange;
  readonly warmup?: number;
  /** Seconds the whole case may take. */
  readonly timeout?: number;
  readonly extra_args?: { readonly global: readonly string[]; readonly test: readonly string[] };
}

/** `cpu_affinity`: CPU numbers; either side may be left out (that side is not pinned). */
export interface CpuAffinity {
  readonly local?: number;
  readonly remote?: number;
}

/** The bulk tests a `load:` may run. */
export const LOAD_TESTS = ['TCP_STREAM', 'TCP_MAERTS', 'UDP_STREAM'] as const satisfies readonly TestName[];

/** One flow of a `load:`: `streams` netperf instances of a bulk `test`; sizes in bytes; `dscp` the code point (0–63) its packets carry. */
export interface LoadFlow {
  readonly test: (typeof LOAD_TESTS)[number];
  readonly streams: number;
  readonly send_size?: number;
  readonly recv_size?: number;
  readonly dscp?: number;
}

/** `load`: one flow (`{ test, streams }`), or several at once (`{ flows: [...] }`: upload and download together). */
export type LoadSpec = LoadFlow | { readonly flows: readonly LoadFlow[] };

/** The flows of a load, one for the single form. */
export function loadFlows(load: LoadSpec): readonly LoadFlow[] {
  return 'flows' in load ? load.flows : [load];
}

/** Which way a load flow's data goes: up (netperf sends: STREAM tests) or down (netserver sends: MAERTS). */
export function flowDirection(test: LoadFlow['test']): 'up' | 'down' {
  return test === 'TCP_MAERTS' ? 'down' : 'up';
}

/** DSCP code points by name (RFC 2474, 2597, 3246): `BE`, `CS0`–`CS7`, `AF11`–`AF43`, `EF`. */
export const DSCP_NAMES: ReadonlyMap<string, number> = new Map([
  ['BE', 0],
  ...Array.from({ length: 8 }, (_, n) => [`CS${n}`, 8 * n] as const),
  ...[1, 2, 3, 4].flatMap((x) => [1, 2, 3].map((y) => [`AF${x}${y}`, 8 * x + 2 * y] as const)),
  ['EF', 46],
]);

/** A code point as case ids spell it: its name when it has one (`EF`, `AF41`; 0 is `BE`), else the number. */
export function formatDscp(dscp: number): string {
  for (const [name, value] of DSCP_NAMES) if (value === dscp) return name;
  return String(dscp);
}

/** A load as case ids and reports spell it: `2xTCP_STREAM`, `1xUDP_STREAM/m=1K`, `1xTCP_STREAM/EF+1xTCP_MAERTS`, or `none`. */
export function formatLoad(load: LoadSpec | 'none'): string {
  if (load === 'none') return 'none';
  return loadFlows(load).map(formatFlow).join('+');
}

/**
 * A load as a table cell holds it: its id when short, else a summary of its flows, `8 flows: 4↑ 4↓ BE/CS1/CS5/EF`
 * (flows up and down, then the DSCPs they mark); the id goes beside it as a tooltip.
 */
export function shortLoad(load: LoadSpec | 'none'): string {
  const id = formatLoad(load);
  if (load === 'none' || id.length <= 32) return id;
  const flows = loadFlows(load);
  const up = flows.filter((f) => flowDirection(f.test) === 'up').length;
  const dscps = [...new Set(flows.flatMap((f) => (f.dscp === undefined ? [] : [formatDscp(f.dscp)])))];
  const streams = flows.reduce((total, f) => total + f.streams, 0);
  return [
    `${flows.length} flows${streams === flows.length ? '' : ` (${streams} streams)`}:`,
    `${up}↑ ${flows.length - up}↓`,
    ...(dscps.length === 0 ? [] : [dscps.join('/')]),
  ].join(' ');
}

function formatFlow(flow: LoadFlow): string {
  const parts = [
    flow.send_size === undefined ? '' : `m=${formatSize(flow.send_size)}`,
    flow.recv_size === undefined ? '' : `M=${formatSize(flow.recv_size)}`,
    flow.dscp === undefined ? '' : formatDscp(flow.dscp),
  ].filter((s) => s !== '');
  return `${flow.streams}x${flow.test}${parts.length === 0 ? '' : `/${parts.join('/')}`}`;
}

/** The load a case runs beside each measured run, if any (`none` is no load). */
export function activeLoad(params: Pick<CaseParams, 'load'>): LoadSpec | undefined {
  return params.load === undefined || params.load === 'none' ? undefined : params.load;
}

/** As netperf's `-T` takes it: `0,1`, `0,` (netperf only) or `,1` (netserver only). */
export function formatCpuAffinity(affinity: CpuAffinity): string {
  return `${affinity.local ?? ''},${affinity.remote ?? ''}`;
}

/**
 * `repeat: { min, max, budget? }`: at least `min` runs, more (up to `max`) while a judged comparison is inconclusive; a
 * `compare:` group starts no round that would likely end after `budget` seconds of measuring.
 */
export interface RepeatRange {
  readonly min: number;
  readonly max: number;
  readonly budget?: number;
}

export type ParamName = keyof CaseParams;

/** Parameters in the order the suite format lists them; `params` objects keep this order. */
export const PARAM_ORDER: readonly ParamName[] = [
  'test',
  'duration',
  'send_size',
  'recv_size',
  'socket_buffer',
  'local_buffer',
  'remote_buffer',
  'nodelay',
  'congestion_control',
  'request_size',
  'response_size',
  'streams',
  'ip_version',
  'confidence',
  'cpu',
  'cpu_affinity',
  'interval',
  'load',
  'repeat',
  'warmup',
  'timeout',
  'extra_args',
];
/** What a matrix may sweep: every case parameter, and `server` (which is a field of the case, not a parameter). */
export type AxisName = ParamName | 'server';
export type ParamValue = NonNullable<CaseParams[ParamName]>;
export type LocatedParams = { readonly [K in ParamName]?: Located<NonNullable<CaseParams[K]>> };

/** A `setup:`/`teardown:` command of a server: an argv list run without a shell, here or inside its namespace. */
export interface HookSpec {
  readonly argv: readonly string[];
  /** `{ in: namespace, run: [...] }`: run inside the server's network namespace (netns servers). */
  readonly inNamespace: boolean;
  readonly loc: SourceLocation;
}

/** Commands run around a server's cases, on every server type. */
export interface ServerHooks {
  readonly setup?: readonly HookSpec[];
  readonly teardown?: readonly HookSpec[];
}

export type ServerSpec = ServerHooks &
  (
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
    | { readonly type: 'netns'; readonly link?: LinkSpec }
  );

/** How perfsuite shapes a link it makes to a server (tc syntax: `rate: 100mbit`, `delay: 10ms`; loss in percent). */
export interface LinkSpec {
  readonly rate?: string;
  readonly delay?: string;
  readonly jitter?: string;
  readonly loss?: number;
}

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
  /** In percent of the other side; for loss percentage points, for a count (retransmissions) its unit (segments). */
  readonly tolerancePercent: number;
  /** `auto`: learned from the history's run-to-run variation (`--history`); tolerancePercent is then 0, the floor. */
  readonly auto?: boolean;
  readonly loc: SourceLocation;
}

/** `until:` of an `accept:` entry: a day (accepted through it, UTC), or a commit (accepted until it is in the run's history). */
export type AcceptUntil = { readonly date: string } | { readonly commit: string };

/**
 * An `accept:` entry of a group: a regression of `metric` the team has decided to live with, why, and until when. A
 * regression it covers gets the verdict `accepted` (it passes) until `until`; after that it fails again, saying so.
 */
export interface AcceptSpec {
  readonly metric: MetricName;
  /** Only cases whose parameters have one of these values (normalised), as in thresholds. */
  readonly when?: Readonly<Partial<Record<ParamName, readonly ParamValue[]>>>;
  readonly reason: string;
  readonly until: AcceptUntil;
  readonly loc: SourceLocation;
}

export interface MatrixSpec {
  readonly loc: SourceLocation;
  readonly axes: readonly { readonly name: AxisName; readonly loc: SourceLocation; readonly values: readonly Located<ParamValue>[] }[];
  readonly exclude: readonly { readonly loc: SourceLocation; readonly params: MatrixEntryParams }[];
  readonly include: readonly { readonly loc: SourceLocation; readonly params: MatrixEntryParams }[];
}

/** An include/exclude entry: parameters, and possibly a server. */
export type MatrixEntryParams = LocatedParams & { readonly server?: Located<string> };

/** `compare: { <axis>: <control value> }`: every case is judged against the case differing only in that axis. */
export interface CompareSpec {
  readonly axis: AxisName;
  readonly control: Located<ParamValue>;
  readonly loc: SourceLocation;
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
  /** Regressions the team accepts for now (`accept:`). */
  readonly accept: readonly AcceptSpec[];
  readonly compare?: CompareSpec;
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
  /** The `${NAME}` values the file was read with (from `--var`, the environment, or defaults). */
  readonly variables?: Readonly<Record<string, string>>;
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
  /** The group's `accept:` entries whose `when` selects this case. */
  readonly accept: readonly AcceptSpec[];
  /** In a `compare:` group: whether this case is the control or a candidate judged against it. */
  readonly arm?: ArmRole;
}

/** A case's place in a same-run comparison: its control and candidates are one unit for sharding and filters. */
export interface ArmRole {
  readonly role: 'control' | 'candidate';
  /** The compared axis (`server`, `congestion_control`, …). */
  readonly axis: string;
  /** The id of the control case (the case itself for the control). */
  readonly control: string;
  /** This case's value of the axis, and the control's, as written in suites (`head`, `base`, `bbr`). */
  readonly value: string;
  readonly controlValue: string;
}

/** The measured runs a case asks for: `min` always, up to `max` while a comparison is inconclusive. */
export function repeatRange(params: Pick<CaseParams, 'repeat'>): RepeatRange {
  const { repeat } = params;
  if (repeat === undefined) return { min: 1, max: 1 };
  return typeof repeat === 'number' ? { min: repeat, max: repeat } : repeat;
}
