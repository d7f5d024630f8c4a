import type { MeasureName, MetricName } from './metrics.js';
import type { ServerFacts } from './server-facts.js';
import type { FailureKind, RunMetrics, SeriesPoint } from './netperf-outcome.js';
import type { Provenance } from './history.js';
import type { ArmRole, CaseParams, LoadFlow } from './suite-types.js';
import type { Aggregate, Operator } from './threshold.js';

/**
 * The run's journal beside results.json: one finished case per line, appended as each case ends, so a killed run keeps
 * every finished case at a cost that does not grow with the run; removed once results.json holds everything.
 */
export const JOURNAL_FILE = 'results.journal.jsonl';

/** The version of the results.json format (schemas/results.schema.json). */
export const RESULTS_SCHEMA_VERSION = 2;

export type CaseStatus = 'pass' | 'fail' | 'error' | 'skipped';

/**
 * A case as measured and judged, its status not yet decided: the engine marks only a case it could not measure
 * (`error`) or never ran (`skipped`), and decides pass or fail once, with `statusOf`, after every judge has spoken. A
 * stored CaseResult is one too (`report --baseline` judges it again); a judge returns a MeasuredCase, so its result
 * cannot pass for a decided CaseResult until `statusOf` has spoken.
 */
export type MeasuredCase = Omit<CaseResult, 'status'> & { readonly status?: CaseStatus };

/** A case's status: `error` or `skipped` as measured, else pass when every threshold and every regression passed. */
export function statusOf(c: Pick<CaseResult, 'thresholds' | 'regressions'> & { readonly status?: CaseStatus }): CaseStatus {
  if (c.status === 'error' || c.status === 'skipped') return c.status;
  return c.thresholds.every((t) => t.passed) && (c.regressions ?? []).every((r) => r.passed) ? 'pass' : 'fail';
}

/** One netperf process of one run, for reports and debugging. */
/** One load stream of one run: its flow (1-based, in `load.flows` order), the flow's test and DSCP, what it carried (bit/s). */
export interface LoadFlowRun {
  readonly flow: number;
  readonly test: LoadFlow['test'];
  readonly stream: number;
  readonly dscp?: number;
  readonly throughput: number;
  /**
   * With `interval:`: when the stream's first interval began on the run's time axis, in seconds from the start of the
   * measured test (negative: the load starts first, docs/suite-format.md "interval: under load").
   */
  readonly start?: number;
  /** With `interval:`: the stream's interim results `{ t, throughput }` (`send_throughput` for UDP_STREAM) on that axis. */
  readonly series?: readonly SeriesPoint[];
}

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
  /** With `interval:`: netperf's interim results, one series per measured run, in the order of `runs`. */
  readonly series?: readonly (readonly SeriesPoint[])[];
  /** With `load:`: each measured run's load streams (in the order of `runs`), one entry per stream of each flow. */
  readonly load_flows?: readonly (readonly LoadFlowRun[])[];
  readonly thresholds: readonly ThresholdOutcome[];
  /** The group's `regression:` tolerances, kept so a later `compare` needs only the results. */
  readonly regression?: readonly RegressionTolerance[];
  /** The group's `accept:` entries that cover this case, kept so a later `compare` needs only the results. */
  readonly accept?: readonly AcceptEntry[];
  /** Each tolerance judged: against the control case (a `compare:` group), or the baseline case of the same id. */
  readonly regressions?: readonly RegressionOutcome[];
  /** In a `compare:` group: this case's role, and its control's id. */
  readonly arm?: ArmRole;
  /** In a `compare:` group: the round each of `runs` was measured in (1-based), so runs pair by round. */
  readonly rounds?: readonly number[];
  readonly error?: { readonly kind: FailureKind; readonly message: string };
  /** Infrastructure retries this case needed. */
  readonly retries: number;
  /** Why each retry was needed: the failure of the run it repeated, in order (absent in results written before perfsuite 0.4). */
  readonly retryReasons?: readonly { readonly kind: FailureKind; readonly message: string }[];
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
  /** Where the run came from and how it was set up (commit, CI run, `${NAME}` values, effective servers); absent in results written before perfsuite 0.3. */
  readonly provenance?: Provenance;
  readonly servers: readonly ServerDescription[];
  readonly suites: readonly SuiteResult[];
  /** The seed of every random choice of the run (the interleaved order of `compare:` arms, `--shuffle`); `--seed` reproduces it. */
  readonly seed?: number;
  /** `--shuffle` was given: the cases ran in an order shuffled from `seed` (they are listed in suite order all the same). */
  readonly shuffled?: boolean;
  /** `--fail-on-inconclusive` was given: an inconclusive comparison failed its case. */
  readonly failOnInconclusive?: boolean;
  /** `--missing-baseline warn` was given: a baseline or history that matched no case is a warning, not a failure. */
  readonly missingBaseline?: 'warn';
  /** Present when the run was judged against a baseline (`run --baseline`, `compare`). */
  readonly comparison?: Comparison;
  /** Present when the run was judged against a history (`run --history`). */
  readonly history?: HistoryComparison;
  /** Present when `--filter` or `--shard` chose the cases: what they did, and every case this run set out to measure. */
  readonly selection?: Selection & { readonly plannedCases: readonly string[] };
  /** Present on the result of `report` over several files: what joining them found. */
  readonly merge?: MergeReport;
}

/** A server of the run: where netperf reached it, the pid of a netserver perfsuite started, and its hooks as they ran. */
export interface ServerDescription {
  /** `<suite>/<server>`. */
  readonly key: string;
  readonly host: string;
  readonly port: number;
  readonly pid?: number;
  /** Its `setup:` and `teardown:` commands, in the order they ran (absent when it has none, and before perfsuite 0.4). */
  readonly hooks?: readonly HookRecord[];
  /** What shapes TCP on each side of its path, read once after its setup (absent before perfsuite 0.4). */
  readonly facts?: ServerFacts;
}

/** How much of a hook's output results.json keeps: the last 4 KiB of its stdout and stderr together. */
export const HOOK_OUTPUT_BYTES = 4096;

/** One setup or teardown command as it ran (results.json `servers[].hooks`). */
export interface HookRecord {
  readonly stage: 'setup' | 'teardown';
  /** The argv run, `${PERFSUITE_*}` filled. */
  readonly argv: readonly string[];
  /** `in: namespace`: it ran inside the server's namespace. */
  readonly inNamespace?: boolean;
  /** Where it is written in the suite. */
  readonly file: string;
  readonly line: number;
  /** Its exit status; null when it was killed, or never ran. */
  readonly exitCode: number | null;
  readonly signal?: string;
  /** Killed at its timeout. */
  readonly timedOut?: boolean;
  /** Why it could not be run at all (a program not found, an unknown `${PERFSUITE_*}`, a failed start). */
  readonly problem?: string;
  readonly durationSeconds: number;
  /** Its stdout and stderr together as they arrived: the last HOOK_OUTPUT_BYTES of it. */
  readonly output: string;
  /** The output was longer than HOOK_OUTPUT_BYTES, and `output` is its end. */
  readonly truncated?: boolean;
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
  /** The allowed worsening in the metric's bad direction: in percent of the baseline; for loss in percentage points, for a count (retransmissions) in its unit (segments). */
  readonly tolerancePercent: number;
  /** `auto`: the tolerance is learned from the history (`--history`); tolerancePercent is the floor (0). */
  readonly auto?: boolean;
  readonly file: string;
  readonly line: number;
}

/** An `accept:` entry of the case's group, as results.json keeps it. */
export interface AcceptEntry {
  readonly metric: MetricName;
  readonly reason: string;
  /** As written: a day (`2027-01-31`, accepted through it, UTC) or a commit (accepted until it is in the run's history). */
  readonly until: string;
  readonly file: string;
  readonly line: number;
}

/**
 * An `accept:` entry applied to a regressed metric: `in-force` made it `accepted`; `expired` (the day passed, or the
 * commit landed) and `unverifiable` (whether the commit landed cannot be told here) left it `regressed`, saying why.
 */
export interface AcceptanceRecord extends Omit<AcceptEntry, 'metric'> {
  readonly state: 'in-force' | 'expired' | 'unverifiable';
  /** For `expired` and `unverifiable`: why, in words (`expired on 2027-01-31`). */
  readonly why?: string;
}

/** What a judged metric is compared against: its control in the same run, a stored baseline run, or a history. */
export type ComparisonSource = 'control' | 'baseline' | 'history';

/**
 * `regressed`: worse than the tolerance by the point estimate, and a one-sided test at α says the worsening is real;
 * `unchanged`: the one-sided (1 − α) bound on the worsening is inside the tolerance (an improvement beyond it too, with
 * `improved`); `inconclusive`: neither, the noise is too large to tell at this tolerance; `not-compared`: a side has no
 * value (see `note`); `accepted`: regressed, but an `accept:` entry in force covers it (see `acceptance`), so it passes.
 */
export type RegressionVerdict = 'regressed' | 'unchanged' | 'inconclusive' | 'not-compared' | 'accepted';

/** One metric of one case judged against its control, the baseline or the history (results.json `regressions`). */
export interface RegressionOutcome {
  readonly source: ComparisonSource;
  /** The control case id, the baseline file, or the history file. */
  readonly against: string;
  readonly metric: MetricName;
  readonly verdict: RegressionVerdict;
  /** False only for `regressed`, and for `inconclusive` under `--fail-on-inconclusive` (`accepted` passes). */
  readonly passed: boolean;
  /** Relative change of this case against the other side (−0.052 = 5.2% lower); for loss in percentage points; null without values or with a zero baseline (see changeReason). */
  readonly change: number | null;
  readonly changeReason?: string;
  /** One-sided (1 − α) bounds on `change`, when the sample is large enough to give them. */
  readonly lower?: number;
  readonly upper?: number;
  /** One-sided p-value of "this case is worse". */
  readonly p?: number;
  readonly alpha?: number;
  /** `signed-rank` on per-round paired ratios (control; `sign-test` in files written before it), `mann-whitney-u` on two samples of runs (baseline), `prediction-t` (history). */
  readonly method?: 'sign-test' | 'signed-rank' | 'mann-whitney-u' | 'prediction-t';
  /** An improvement beyond the tolerance (verdict `unchanged`). */
  readonly improved?: boolean;
  /** The `accept:` entry that covered a regression: in force (verdict `accepted`), expired or unverifiable (`regressed`). */
  readonly acceptance?: AcceptanceRecord;
  /** Median of the other side's runs, in the metric's unit. */
  readonly againstValue: number | null;
  /** Median of this case's runs. */
  readonly currentValue: number | null;
  /** The runs on each side; in a same-run comparison, element i of both is round `rounds[i]`. */
  readonly againstRuns: readonly number[];
  readonly currentRuns: readonly number[];
  /** Same-run comparison: the rounds that paired (a round with a failed run on either side is dropped). */
  readonly rounds?: readonly number[];
  /** History: the band learned from the history's run-to-run variation (a fraction, or points for loss); `tolerance` is the larger of it and the written percentage. */
  readonly learnedTolerance?: number;
  /** History: how many entries were judged against, and whether they share this machine's fingerprint. */
  readonly historyEntries?: number;
  readonly sameFingerprint?: boolean;
  /** The allowed worsening: a fraction (0.05), for loss in percentage points. */
  readonly tolerance: number;
  /** Why the verdict is `inconclusive` or `not-compared`, in words, with what would decide it. */
  readonly note?: string;
  /** For `inconclusive`: about how many rounds (or runs per side) would likely decide it. */
  readonly sampleNeeded?: number;
  /** The `regression:` entry judged. */
  readonly file: string;
  readonly line: number;
  /** Why it came out so: what differs between the two sides, which counters moved, and the reading (absent before perfsuite 0.4). */
  readonly evidence?: Evidence;
}

/**
 * Beside every comparison: the settings that differ between the two sides, each counter (retransmissions, qdisc
 * drops, MSS, service demand) judged by the same three-way rule, and a one-line reading from stated rules
 * (docs/judging.md, "Evidence").
 */
export interface Evidence {
  readonly differences: readonly EvidenceDifference[];
  readonly counters: readonly CounterOutcome[];
  /** `loss: …`, `capacity: …`, `CPU: …` or `unexplained: …`. */
  readonly reading: string;
  /** Which rule the reading comes from. */
  readonly cause: 'loss' | 'capacity' | 'cpu' | 'unexplained';
}

/** A setting that differs between the two sides: `link` `rate 100mbit` → `rate 90mbit`; '' where a side has none. */
export interface EvidenceDifference {
  readonly what: string;
  readonly against: string;
  readonly current: string;
}

/** A counter of both sides, judged like a metric (a rise of a count from 0 is a rise: counts compare on their values). */
export interface CounterOutcome {
  readonly metric: MeasureName;
  /** The median of each side, in the counter's unit; null for a side without it. */
  readonly against: number | null;
  readonly current: number | null;
  /** In the counter's own units for counts (segments, packets), relative otherwise; null when not compared. */
  readonly change: number | null;
  /** `regressed`: moved the bad way (a count rose, the MSS fell), significantly and beyond `tolerance`. */
  readonly verdict: RegressionVerdict;
  /** It moved the good way beyond the tolerance (verdict `unchanged`). */
  readonly improved?: boolean;
  readonly p?: number;
  /** The tolerance it was judged at: the group's `regression:` entry for it, else 0 for counts and the MSS, 5% for service demand. */
  readonly tolerance: number;
}

/** One field that differs between an earlier run (the baseline, the history) and this one. */
export interface SetupDifference {
  readonly field: string;
  readonly baseline: string;
  readonly current: string;
}

/** How this run relates to the history it was judged against (`run --history`). */
export interface HistoryComparison {
  readonly file: string;
  /** Entries in the file, and how many share this machine's fingerprint. */
  readonly entries: number;
  /** The file did not exist: the first run of a new history (warned about, never failed as nothing compared). */
  readonly missing?: true;
  readonly sameFingerprintEntries: number;
  /** The newest entry of this machine's fingerprint (else the newest): what the setup differences are listed against. */
  readonly latestDate?: string;
  readonly latestCommit?: string;
  /** Machine and setup fields that differ from the newest entry's. */
  readonly environmentDifferences: readonly SetupDifference[];
}

/** How this run relates to its baseline as a whole. */
export interface Comparison {
  readonly baselineFile: string;
  readonly baselineStartedAt: string;
  readonly alpha: number;
  /** Machine and setup fields that differ (netperf version, kernel, CPUs, hostname, perfsuite version, runner image, `${NAME}` values, server specs): compared anyway, said loudly. */
  readonly environmentDifferences: readonly SetupDifference[];
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
  /** Controls of `compare:` groups the filters did not match, kept because a matched candidate is judged against them. */
  readonly controlsAdded?: readonly string[];
  readonly shard?: Shard & { /** Estimated seconds of every shard, in shard order. */ readonly estimatedSeconds: readonly number[] };
}
