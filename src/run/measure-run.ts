import { INFRASTRUCTURE_FAILURES, type ProcessOutcome, type RunFailure, type RunMetrics } from '../model/netperf-outcome.js';
import type { CaseResult, NetperfInvocation, RegressionTolerance } from '../model/results.js';
import { type NetperfExecutor, type ServerAddress, type ServerPool, ServerUnavailable } from '../model/seams.js';
import type { TestName } from '../model/test-types.js';
import { parseNetperfRun } from '../netperf/parse-output.js';
import { estimateRunSeconds, NETNS_ADDRESS_PLACEHOLDER, PASSPHRASE_PLACEHOLDER, PORT_PLACEHOLDER, type PlannedCase } from '../plan/plan-cases.js';
import { evaluateThresholds } from '../thresholds/evaluate-thresholds.js';
import { combineStreams, summarizeRuns } from './aggregate.js';
import { defined } from '../model/defined.js';

export interface RunCasesOptions {
  readonly executor: NetperfExecutor;
  readonly servers: ServerPool;
  readonly signal: AbortSignal;
  /** Milliseconds on some monotonic clock. */
  readonly now: () => number;
  readonly onCaseStart?: (planned: PlannedCase, index: number) => void | Promise<void>;
  readonly onCaseFinished: (result: CaseResult, planned: PlannedCase, index: number) => void | Promise<void>;
  /** Retries per case for infrastructure failures (no netserver, netserver died, remote timeout). */
  readonly maxRetries?: number;
  /** Seeds the interleaved order of the arms of `compare:` groups. */
  readonly seed?: number;
  /** An inconclusive comparison fails its case (`--fail-on-inconclusive`). */
  readonly failOnInconclusive?: boolean;
}

const DEFAULT_MAX_RETRIES = 2;
const MIN_SLACK_SECONDS = 5;

/** A run's timeout: its expected length plus half again (at least 5 s) for start-up and slow machines. */
export function runTimeoutMs(planned: PlannedCase): number {
  const expected = estimateRunSeconds(planned.case.params);
  return Math.round((expected + Math.max(MIN_SLACK_SECONDS, expected / 2)) * 1000);
}

/** What one case has measured so far: its runs, and how they went. */
export interface CaseProgress {
  readonly planned: PlannedCase;
  readonly started: number;
  readonly runs: RunMetrics[];
  /** The round of each run (same-run comparisons). */
  readonly rounds: number[];
  readonly widths: number[];
  retries: number;
  invocations: NetperfInvocation[];
  error?: RunFailure;
}

export function startProgress(planned: PlannedCase, now: number): CaseProgress {
  return { planned, started: now, runs: [], rounds: [], widths: [], retries: 0, invocations: [] };
}

export type RunAttempt = { readonly kind: 'measured'; readonly metrics: RunMetrics } | { readonly kind: 'failed'; readonly failure: RunFailure } | { readonly kind: 'interrupted' };

/**
 * One run of a case: acquires its server, starts all its streams at once, parses them; an infrastructure failure is
 * retried (after recovering the server) while the case has retries left. A warm-up run is measured but not kept.
 */
export async function measureRun(progress: CaseProgress, options: RunCasesOptions, run: { readonly deadline: number; readonly keep: boolean; readonly round?: number }): Promise<RunAttempt> {
  const { planned } = progress;
  const { params } = planned.case;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  for (;;) {
    const remainingMs = run.deadline - options.now();
    if (remainingMs <= 0) {
      return { kind: 'failed', failure: { kind: 'timeout', message: `${planned.case.arm === undefined ? 'the case' : 'the run'} took longer than its timeout of ${params.timeout ?? 0} s; raise timeout: or lower ${planned.case.arm === undefined ? 'repeat or duration' : 'duration (in a compare: group, timeout caps each run)'}` } };
    }
    let target: ServerAddress;
    try {
      // asked every attempt: a server restarted after a failure may listen on a new port
      target = await options.servers.acquire(planned.serverKey);
    } catch (error) {
      if (error instanceof ServerUnavailable) return { kind: 'failed', failure: error.failure };
      throw error;
    }
    const argv = fillPlaceholders(planned.netperf, target);
    const keys = argv[argv.indexOf('-k') + 1]?.split(',') ?? [];
    const timeoutMs = Math.min(runTimeoutMs(planned), remainingMs);
    const outcomes = await Promise.all(Array.from({ length: params.streams ?? 1 }, () => options.executor.run(argv, { timeoutMs, signal: options.signal })));
    if (options.signal.aborted) return { kind: 'interrupted' };
    // the passphrase never reaches results or reports: they record the argv without it
    const recorded = fillPlaceholders(planned.netperf, { host: target.host, port: target.port });
    progress.invocations = outcomes.map((outcome) => invocation(recorded, outcome));
    const parsed = outcomes.map((outcome) => parseNetperfRun(outcome, { test: params.test as TestName, keys, target: `${target.host}:${target.port}`, ...(params.congestion_control === undefined ? {} : { congestionControl: params.congestion_control }) }));
    const failed = parsed.find((p) => p.kind === 'error');
    if (failed !== undefined) {
      if (INFRASTRUCTURE_FAILURES.has(failed.failure.kind) && progress.retries < maxRetries) {
        progress.retries++;
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
    const metrics = combineStreams(parsed.map((p) => (p.kind === 'measured' ? p.metrics : {})));
    if (run.keep) {
      progress.runs.push(metrics);
      if (run.round !== undefined) progress.rounds.push(run.round);
      for (const p of parsed) if (p.kind === 'measured' && p.confidenceWidthPercent !== undefined) progress.widths.push(p.confidenceWidthPercent);
    }
    return { kind: 'measured', metrics };
  }
}

/** The result of a case from what it measured; thresholds are judged unless it failed. */
export function finishCase(progress: CaseProgress, now: number): CaseResult {
  const { planned, runs, widths, error } = progress;
  const { metrics, spread } = summarizeRuns(runs);
  const thresholds = error === undefined ? evaluateThresholds(planned.case.thresholds, runs) : [];
  return {
    ...caseIdentity(planned),
    status: error !== undefined ? 'error' : thresholds.every((t) => t.passed) ? 'pass' : 'fail',
    metrics,
    runs,
    spread,
    ...(widths.length > 0 ? { confidenceWidthPercent: widths } : {}),
    thresholds,
    regression: tolerancesOf(planned),
    ...defined({ arm: planned.case.arm, rounds: planned.case.arm === undefined ? undefined : progress.rounds }),
    ...defined({ error: error === undefined ? undefined : { kind: error.kind, message: error.message } }),
    retries: progress.retries,
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
  return planned.case.regression.map((r) => ({ metric: r.metric, tolerancePercent: r.tolerancePercent, ...(r.auto === true ? { auto: true } : {}), file: r.loc.file, line: r.loc.line }));
}

/** The planned argv with what is known only now: the server's port, its address, its passphrase. */
export function fillPlaceholders(argv: readonly string[], target: ServerAddress): string[] {
  const values = new Map([
    [PORT_PLACEHOLDER, String(target.port)],
    [NETNS_ADDRESS_PLACEHOLDER, target.host],
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
