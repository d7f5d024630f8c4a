import { INFRASTRUCTURE_FAILURES, type ParsedRun, type ProcessOutcome, type RunFailure, type RunMetrics, type SeriesPoint } from '../model/netperf-outcome.js';
import type { CaseResult, LoadFlowRun, MeasuredCase, NetperfInvocation, RegressionTolerance } from '../model/results.js';
import { formatDscp } from '../model/suite-types.js';
import type { RunSetupView } from '../model/judge.js';
import type { LinkCounters } from '../model/server-facts.js';
import { formatHostPort, type NetperfExecutor, type ServerAddress, type ServerPool, ServerUnavailable } from '../model/seams.js';
import { TEST_TYPES, type TestName } from '../model/test-types.js';
import { parseNetperfRun } from '../netperf/parse-output.js';
import { estimateRunSeconds, MIN_RUN_SLACK_SECONDS } from '../netperf/run-length.js';
import type { PlannedCase, PlannedLoadFlow } from '../plan/plan-cases.js';
import { ADDRESS_PLACEHOLDER, PASSPHRASE_PLACEHOLDER, PORT_PLACEHOLDER } from '../servers/server-planner.js';
import { evaluateThresholds } from '../thresholds/evaluate-thresholds.js';
import { combineSeries, combineStreams, loadMetrics, onRunAxis, summarizeRuns } from './aggregate.js';
import { defined } from '../model/defined.js';

export interface RunCasesOptions {
  readonly executor: NetperfExecutor;
  readonly servers: ServerPool;
  readonly signal: AbortSignal;
  /** Milliseconds on some monotonic clock. */
  readonly now: () => number;
  readonly onCaseStart?: (planned: PlannedCase, index: number) => void | Promise<void>;
  readonly onCaseFinished: (result: MeasuredCase, planned: PlannedCase, index: number) => void | Promise<void>;
  /** Retries per case for infrastructure failures (no netserver, netserver died, remote timeout). */
  readonly maxRetries?: number;
  /** Seeds the interleaved order of the arms of `compare:` groups. */
  readonly seed?: number;
  /** Run the units (a case, or a control with its candidates) in an order shuffled from `seed` (`--shuffle`). */
  readonly shuffle?: boolean;
  /** An inconclusive comparison fails its case (`--fail-on-inconclusive`). */
  readonly failOnInconclusive?: boolean;
  /** The run as it stands (its machine, provenance and servers so far), for the evidence beside a `compare:` group's verdicts. */
  readonly describeRun?: () => RunSetupView;
}

const DEFAULT_MAX_RETRIES = 2;

/** A run's timeout: its expected length plus half again (at least MIN_RUN_SLACK_SECONDS) for start-up and slow machines. */
export function runTimeoutMs(planned: PlannedCase): number {
  const expected = estimateRunSeconds(planned.case.params);
  return Math.round((expected + Math.max(MIN_RUN_SLACK_SECONDS, expected / 2)) * 1000);
}

/** What one case has measured so far: its runs, and how they went. */
export interface CaseProgress {
  readonly planned: PlannedCase;
  readonly started: number;
  readonly runs: RunMetrics[];
  /** The round of each run (same-run comparisons). */
  readonly rounds: number[];
  readonly widths: number[];
  /** With `interval:`, each kept run's interim series. */
  readonly series: SeriesPoint[][];
  /** With `load:`, each kept run's load streams and what each carried. */
  readonly loadFlows: LoadFlowRun[][];
  retries: number;
  /** The failure behind each retry, in order. */
  readonly retryReasons: RunFailure[];
  invocations: NetperfInvocation[];
  error?: RunFailure;
}

export function startProgress(planned: PlannedCase, now: number): CaseProgress {
  return { planned, started: now, runs: [], rounds: [], widths: [], series: [], loadFlows: [], retries: 0, retryReasons: [], invocations: [] };
}

export type RunAttempt =
  { readonly kind: 'measured'; readonly metrics: RunMetrics } | { readonly kind: 'failed'; readonly failure: RunFailure } | { readonly kind: 'interrupted' };

/**
 * One run of a case: acquires its server, starts its `load:` streams and then all its streams at once (the measured
 * ones wait LOAD_LEAD_SECONDS inside netperf, `-s`), parses them; an infrastructure failure is retried (after
 * recovering the server) while the case has retries left. A warm-up run is measured but not kept.
 */
export async function measureRun(
  progress: CaseProgress,
  options: RunCasesOptions,
  run: { readonly keep: boolean; readonly round?: number },
): Promise<RunAttempt> {
  const { planned } = progress;
  const { params } = planned.case;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  // `timeout:` caps each netperf run, a retry's too (docs/suite-format.md); without it, the run's length and a margin
  const timeoutMs = params.timeout === undefined ? runTimeoutMs(planned) : params.timeout * 1000;
  for (;;) {
    let target: ServerAddress;
    try {
      // asked every attempt: a server restarted after a failure may listen on a new port
      target = await options.servers.acquire(planned.serverKey);
    } catch (error) {
      if (error instanceof ServerUnavailable) return { kind: 'failed', failure: error.failure };
      throw error;
    }
    const pinned = params.cpu_affinity;
    await steer(
      options.servers,
      planned.serverKey,
      pinned?.local !== undefined && pinned.remote !== undefined ? { local: pinned.local, remote: pinned.remote } : undefined,
    );
    const argv = fillPlaceholders(planned.netperf, target);
    const keys = keysOf(argv);
    const execute = (args: readonly string[]): Promise<ProcessOutcome> => options.executor.run(args, { timeoutMs, signal: options.signal });
    const flows = planned.load ?? [];
    // a link perfsuite made counts what its qdiscs dropped during each kept run: read just before and just after it
    const countersBefore = run.keep ? await linkCounters(options.servers, planned.serverKey) : undefined;
    // every stream of every load flow starts first, so they are running when the measured test starts (after its -s lead)
    const loadStreams = flows.flatMap((flow, f) => Array.from({ length: flow.streams }, (_, s) => ({ flow, f, s })));
    const loadRuns = loadStreams.map(({ flow }) => execute(fillPlaceholders(flow.netperf, target)));
    const [outcomes, loadOutcomes] = await Promise.all([Promise.all(Array.from({ length: params.streams ?? 1 }, () => execute(argv))), Promise.all(loadRuns)]);
    if (options.signal.aborted) return { kind: 'interrupted' };
    const countersAfter = countersBefore === undefined ? undefined : await linkCounters(options.servers, planned.serverKey);
    // the passphrase never reaches results or reports: they record the argv without it
    const recorded = fillPlaceholders(planned.netperf, { host: target.host, port: target.port });
    const recordedLoad = loadStreams.map(({ flow }) => fillPlaceholders(flow.netperf, { host: target.host, port: target.port }));
    progress.invocations = [
      ...outcomes.map((outcome) => invocation(recorded, outcome)),
      ...loadOutcomes.map((outcome, i) => invocation(recordedLoad[i] ?? [], outcome)),
    ];
    const where = formatHostPort(target.host, target.port);
    const parsed = outcomes.map((outcome) =>
      parseNetperfRun(outcome, {
        test: params.test as TestName,
        keys,
        target: where,
        ...defined({ congestionControl: params.congestion_control, interval: params.interval === undefined ? undefined : ('required' as const) }),
      }),
    );
    const loadParsed = loadStreams.map(({ flow, f, s }, i) =>
      parseLoadStream(
        loadOutcomes[i] as ProcessOutcome,
        flow,
        { flow: f + 1, of: flows.length, stream: s + 1 },
        keysOf(recordedLoad[i] ?? []),
        { congestionControl: params.congestion_control, interval: params.interval !== undefined },
        where,
      ),
    );
    const failed = parsed.find((p) => p.kind === 'error') ?? loadParsed.find((p) => p.kind === 'error');
    if (failed !== undefined) {
      if (INFRASTRUCTURE_FAILURES.has(failed.failure.kind) && progress.retries < maxRetries) {
        progress.retries++;
        progress.retryReasons.push({ kind: failed.failure.kind, message: failed.failure.message });
        try {
          await options.servers.recover(planned.serverKey);
        } catch (error) {
          if (error instanceof ServerUnavailable) return { kind: 'failed', failure: error.failure };
          throw error;
        }
        continue;
      }
      return { kind: 'failed', failure: failed.failure };
    }
    const measured = parsed.flatMap((p) => (p.kind === 'measured' ? [p] : []));
    const metrics = combineStreams(measured.map((p) => p.metrics));
    // with interval:, the load streams' series go on the measured test's time axis: 0 is when it began
    const starts = measured.flatMap((p) => (p.seriesStart === undefined ? [] : [p.seriesStart]));
    const origin = starts.length === 0 ? undefined : Math.min(...starts);
    const loadFlowRuns = loadStreams.map(({ flow, f, s }, i): LoadFlowRun => {
      const p = loadParsed[i];
      const timed = p?.kind === 'measured' && p.series !== undefined && p.seriesStart !== undefined && origin !== undefined;
      return {
        flow: f + 1,
        test: flow.test,
        stream: s + 1,
        ...defined({ dscp: flow.dscp }),
        throughput: p?.kind === 'measured' ? (p.metrics.throughput ?? 0) : 0,
        ...(timed ? onRunAxis(p.series ?? [], p.seriesStart ?? 0, origin) : {}),
      };
    });
    if (loadFlowRuns.length > 0) Object.assign(metrics, loadMetrics(loadFlowRuns));
    Object.assign(metrics, qdiscCounters(countersBefore, countersAfter));
    if (run.keep) {
      progress.runs.push(metrics);
      if (run.round !== undefined) progress.rounds.push(run.round);
      if (loadFlowRuns.length > 0) progress.loadFlows.push(loadFlowRuns);
      for (const p of measured) if (p.confidenceWidthPercent !== undefined) progress.widths.push(p.confidenceWidthPercent);
      if (params.interval !== undefined)
        progress.series.push(
          combineSeries(
            measured.map((p) => p.series ?? []),
            params.interval,
          ),
        );
    }
    return { kind: 'measured', metrics };
  }
}

/** Steers a pinned case's receive processing on a link perfsuite made (an unpinned one's back to the default); a link that cannot be steered runs as it is. */
async function steer(servers: ServerPool, serverKey: string, cpus: { local: number; remote: number } | undefined): Promise<void> {
  try {
    await servers.steer?.(serverKey, cpus);
  } catch {
    // the placement is a refinement of the pinning netperf does itself (-T), never a reason to fail a run
  }
}

/** A link's counters, or nothing when the pool has none or they cannot be read (they are evidence, never a reason to fail a run). */
async function linkCounters(servers: ServerPool, serverKey: string): Promise<LinkCounters | undefined> {
  try {
    return await servers.linkCounters?.(serverKey);
  } catch {
    return undefined;
  }
}

/**
 * What the link's qdiscs dropped and held back during a run: the counters after it less those before. A counter that
 * went down (a qdisc replaced during the run) counted something else, so the run has none.
 */
export function qdiscCounters(before: LinkCounters | undefined, after: LinkCounters | undefined): RunMetrics {
  if (before === undefined || after === undefined || after.drops < before.drops || after.overlimits < before.overlimits) return {};
  return { qdisc_drops: after.drops - before.drops, qdisc_overlimits: after.overlimits - before.overlimits };
}

/**
 * One load stream of one run, parsed like any netperf run; a failure says which flow and stream it was, keeping the
 * kind (a netserver that died is retried as such).
 */
function parseLoadStream(
  outcome: ProcessOutcome,
  flow: PlannedLoadFlow,
  which: { readonly flow: number; readonly of: number; readonly stream: number },
  keys: readonly string[],
  options: { readonly congestionControl: string | undefined; readonly interval: boolean },
  target: string,
): ParsedRun {
  const tcp = TEST_TYPES[flow.test].protocol === 'tcp';
  const parsed = parseNetperfRun(outcome, {
    test: flow.test,
    keys,
    target,
    // a load stream without interim results (a short or stalled stream) has no series, and the run keeps its load
    ...defined({ congestionControl: tcp ? options.congestionControl : undefined, interval: options.interval ? ('optional' as const) : undefined }),
  });
  if (parsed.kind === 'measured') return parsed;
  const mark = flow.dscp === undefined ? '' : `, DSCP ${formatDscp(flow.dscp)}`;
  return {
    kind: 'error',
    failure: {
      kind: parsed.failure.kind,
      message: `load flow ${which.flow} of ${which.of} (${flow.test}${mark}), stream ${which.stream} of ${flow.streams}, failed, so this run was not under the load it asks for: ${parsed.failure.message}`,
    },
  };
}

/** The result of a case from what it measured; thresholds are judged unless it failed. Its status is decided later (run-plan.ts). */
export function finishCase(progress: CaseProgress, now: number): MeasuredCase {
  const { planned, runs, widths, error } = progress;
  const { metrics, spread } = summarizeRuns(runs);
  const thresholds = error === undefined ? evaluateThresholds(planned.case.thresholds, runs) : [];
  return {
    ...caseIdentity(planned),
    ...(error !== undefined ? { status: 'error' as const } : {}),
    metrics,
    runs,
    spread,
    ...(widths.length > 0 ? { confidenceWidthPercent: widths } : {}),
    ...(progress.series.length > 0 ? { series: progress.series } : {}),
    ...(progress.loadFlows.length > 0 ? { load_flows: progress.loadFlows } : {}),
    thresholds,
    regression: tolerancesOf(planned),
    ...acceptsOf(planned),
    ...defined({ arm: planned.case.arm, rounds: planned.case.arm === undefined ? undefined : progress.rounds }),
    ...defined({ error: error === undefined ? undefined : { kind: error.kind, message: error.message } }),
    retries: progress.retries,
    ...(progress.retryReasons.length > 0 ? { retryReasons: [...progress.retryReasons] } : {}),
    durationSeconds: Math.round(now - progress.started) / 1000,
    netperf: progress.invocations,
  };
}

/** What every result of a case says about which case it is, measured or not. */
export function caseIdentity(planned: PlannedCase): Pick<CaseResult, 'id' | 'group' | 'server' | 'params' | 'file' | 'line'> {
  return {
    id: planned.case.id,
    group: planned.case.group,
    server: planned.case.server,
    params: planned.case.params,
    file: planned.case.loc.file,
    line: planned.case.loc.line,
  };
}

/** The group's `regression:` tolerances as results.json keeps them. */
export function tolerancesOf(planned: PlannedCase): RegressionTolerance[] {
  return planned.case.regression.map((r) => ({
    metric: r.metric,
    tolerancePercent: r.tolerancePercent,
    ...(r.auto === true ? { auto: true } : {}),
    file: r.loc.file,
    line: r.loc.line,
  }));
}

/** The `accept:` entries covering the case as results.json keeps them (nothing when there are none). */
export function acceptsOf(planned: PlannedCase): Pick<CaseResult, 'accept'> {
  const accept = planned.case.accept.map((a) => ({
    metric: a.metric,
    reason: a.reason,
    until: 'date' in a.until ? a.until.date : a.until.commit,
    file: a.loc.file,
    line: a.loc.line,
  }));
  return accept.length === 0 ? {} : { accept };
}

/** The keyval selectors an argv asks netperf for (`-- -k A,B`): the ones the parser must get back. */
function keysOf(argv: readonly string[]): string[] {
  return argv[argv.indexOf('-k') + 1]?.split(',') ?? [];
}

/** The planned argv with what is known only now: the server's port, its address, its passphrase. */
export function fillPlaceholders(argv: readonly string[], target: ServerAddress): string[] {
  const values = new Map([
    [PORT_PLACEHOLDER, String(target.port)],
    [ADDRESS_PLACEHOLDER, target.host],
    ...(target.passphrase === undefined ? [] : [[PASSPHRASE_PLACEHOLDER, target.passphrase] as const]),
  ]);
  return argv.map((arg) => values.get(arg) ?? arg);
}

function invocation(argv: readonly string[], outcome: ProcessOutcome): NetperfInvocation {
  return {
    argv,
    exitCode: outcome.exitCode ?? null,
    signal: outcome.signal ?? null,
    timedOut: outcome.timedOut,
    durationSeconds: Math.round(outcome.durationMs) / 1000,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
  };
}
