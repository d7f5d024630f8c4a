import type { Environment, ServerDescription } from './results.js';

/**
 * What a run was measured from, so a changed setup is never read as a regression (docs/judging.md, "History and
 * provenance").
 */
export interface Provenance {
  readonly perfsuiteVersion: string;
  /** Git commit the suites were run from: `GITHUB_SHA`, else `git rev-parse HEAD` where the first suite lives. */
  readonly commit?: string;
  /** Git ref: `GITHUB_REF`, else the branch `git` names there. */
  readonly ref?: string;
  /** CI run id (`GITHUB_RUN_ID`, with `-GITHUB_RUN_ATTEMPT` when above 1). */
  readonly ciRunId?: string;
  /** Runner image (`ImageOS ImageVersion` on GitHub-hosted runners). */
  readonly runnerImage?: string;
  /** The resolved `${NAME}` values each suite used, by suite name, then variable name. */
  readonly variables: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Each server's effective spec, by `<suite>/<server>`: type, host, link, setup/teardown commands. */
  readonly servers: Readonly<Record<string, ServerProvenance>>;
}

export interface ServerProvenance {
  readonly type: string;
  readonly host?: string;
  /** `rate 100mbit, delay 10ms` as written after variables were filled. */
  readonly link?: string;
  /** Each setup/teardown command, argv joined by spaces (for reading and comparing, never for running). */
  readonly setup?: readonly string[];
  readonly teardown?: readonly string[];
}

/** The identifier of a history file's lines. */
export const HISTORY_FORMAT = 'perfsuite-history';
export const HISTORY_VERSION = 1;

/** One case's metric in one history entry: its measured runs and their median (bit/s, /s, µs, %). */
export interface HistoryMetric {
  readonly runs: readonly number[];
  readonly median: number;
}

/** One line of a history file (JSON Lines): one run, oldest line first. */
export interface HistoryEntry {
  readonly format: typeof HISTORY_FORMAT;
  readonly version: typeof HISTORY_VERSION;
  /** When the run started (ISO 8601). */
  readonly date: string;
  readonly provenance: Provenance;
  readonly environment: Environment;
  /** Short hash of what makes runs of one machine comparable (CPU model and count, kernel, netperf version, runner image). */
  readonly fingerprint: string;
  /** By case id, then metric name; only cases that passed or failed (measured), never errors or skipped ones. */
  readonly cases: Readonly<Record<string, Readonly<Record<string, HistoryMetric>>>>;
  /** The run's servers with the facts read of their paths (their qdisc counters left out), for the evidence; absent before perfsuite 0.4. */
  readonly servers?: readonly Pick<ServerDescription, 'key' | 'facts'>[];
}

/** One point of a trend: one history entry's median of one case and metric. */
export interface TrendPoint {
  /** Position in the history, counting entries from 0, oldest first. */
  readonly index: number;
  readonly commit?: string;
  readonly date: string;
  readonly median: number;
  /** The lowest and highest run of that entry: the spread drawn around the median. */
  readonly min: number;
  readonly max: number;
}

export interface TrendSeries {
  readonly case: string;
  readonly metric: string;
  readonly points: readonly TrendPoint[];
}

/** Where a lasting shift began in one series: the first entry after it. */
export interface ChangePoint {
  readonly case: string;
  readonly metric: string;
  readonly index: number;
  readonly commit?: string;
  readonly date: string;
  /** Medians of the entries before and from the change point (up to the next one). */
  readonly before: number;
  readonly after: number;
  /** after / before − 1; for loss (in percentage points already) after − before. */
  readonly change: number;
  readonly p: number;
}

/** `history show --json` (docs/judging.md, "History and provenance"). */
export interface TrendReport {
  readonly series: readonly TrendSeries[];
  readonly changePoints: readonly ChangePoint[];
}
