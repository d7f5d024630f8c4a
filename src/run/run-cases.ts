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
}

const DEFAULT_MAX_RETRIES = 2;
const MIN_SLACK_SECONDS = 5;

/** A run's timeout: its expected length plus half again (at least 5 s) for start-up and slow machines. */
export function runTimeoutMs(planned: PlannedCase): number {
  const expected = estimateRunSeconds(planned.case.params);
  return Math.round((expected + Math.max(MIN_SLACK_SECONDS, expected / 2)) * 1000);
}

/** Measures cases one after another; stops early (and says so) when the signal aborts. */
export async function runCases(cases: readonly PlannedCase[], options: RunCasesOptions): Promise<{ results: CaseResult[]; interrupted: boolean }> {
  const results: CaseResult[] = [];
  for (const [index, planned] of cases.entries()) {
    if (options.signal.aborted) return { results, interrupted: true };
    await options.onCaseStart?.(planned, index);
    const result = await runCase(planned, options);
    if (result === 'interrupted') return { results, interrupted: true };
    results.push(result);
    await options.onCaseFinished(result, planned, index);
  }
  return { results, interrupted: options.signal.aborted };
}

async function runCase(planned: PlannedCase, options: RunCasesOptions): Promise<CaseResult | 'interrupted'> {
  const { params } = planned.case;
  const started = options.now();
  const deadline = params.timeout === undefined ? Infinity : started + params.timeout * 1000;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const runs: RunMetrics[] = [];
  const widths: number[] = [];
  let retries = 0;
  let invocations: NetperfInvocation[] = [];
  const finish = (error?: RunFailure): CaseResult => {
    const { metrics, spread } = summarizeRuns(runs);
    const thresholds = error === undefined ? evaluateThresholds(planned.case.thresholds, runs) : [];
    return {
      id: planned.case.id,
      group: planned.case.group,
      server: planned.case.server,
      params,
      file: planned.case.loc.file,
      line: planned.case.loc.line,
      status: error !== undefined ? 'error' : thresholds.every((t) => t.passed) ? 'pass' : 'fail',
      metrics,
      runs,
      spread,
      ...(widths.length > 0 ? { confidenceWidthPercent: widths } : {}),
      thresholds,
      regression: tolerancesOf(planned),
      ...defined({ error: error === undefined ? undefined : { kind: error.kind, message: error.message } }),
      retries,
      durationSeconds: Math.round(options.now() - started) / 1000,
      netperf: invocations,
    };
  };

  const streams = params.streams ?? 1;
  const warmup = params.warmup ?? 0;
  const total = warmup + (params.repeat ?? 1);

  for (let run = 0; run < total; run++) {
    for (;;) {
      const remainingMs = deadline - options.now();
      if (remainingMs <= 0) {
        return finish({ kind: 'timeout', message: `the case took longer than its timeout of ${params.timeout ?? 0} s; raise timeout: or lower repeat/duration` });
      }
      let target: ServerAddress;
      try {
        // asked every attempt: a server restarted after a failure may listen on a new port
        target = await options.servers.acquire(planned.serverKey);
      } catch (error) {
        if (error instanceof ServerUnavailable) return finish(error.failure);
        throw error;
      }
      const argv = fillPlaceholders(planned.netperf, target);
      const keys = argv[argv.indexOf('-k') + 1]?.split(',') ?? [];
      const timeoutMs = Math.min(runTimeoutMs(planned), remainingMs);
      const outcomes = await Promise.all(Array.from({ length: streams }, () => options.executor.run(argv, { timeoutMs, signal: options.signal })));
      if (options.signal.aborted) return 'interrupted';
      // the passphrase never reaches results or reports: they record the argv without it
      const recorded = fillPlaceholders(planned.netperf, { host: target.host, port: target.port });
      invocations = outcomes.map((outcome) => invocation(recorded, outcome));
      const parsed = outcomes.map((outcome) => parseNetperfRun(outcome, { test: params.test as TestName, keys, target: `${target.host}:${target.port}` }));
      const failed = parsed.find((p) => p.kind === 'error');
      if (failed !== undefined) {
        if (INFRASTRUCTURE_FAILURES.has(failed.failure.kind) && retries < maxRetries) {
          retries++;
          try {
            await options.servers.recover(planned.serverKey);
          } catch (error) {
            if (error instanceof ServerUnavailable) return finish(error.failure);
            throw error;
          }
          continue;
        }
        return finish(failed.failure);
      }
      if (run >= warmup) {
        runs.push(combineStreams(parsed.map((p) => (p.kind === 'measured' ? p.metrics : {}))));
        for (const p of parsed) if (p.kind === 'measured' && p.confidenceWidthPercent !== undefined) widths.push(p.confidenceWidthPercent);
      }
      break;
    }
  }
  return finish();
}

/** The group's `regression:` tolerances as results.json keeps them. */
function tolerancesOf(planned: PlannedCase): RegressionTolerance[] {
  return planned.case.regression.map((r) => ({ metric: r.metric, tolerancePercent: r.tolerancePercent, file: r.loc.file, line: r.loc.line }));
}

/** A case the run never got to (interrupted or crashed first): listed as skipped, so no report calls the run whole. */
export function notRunResult(planned: PlannedCase, reason: string): CaseResult {
  return {
    id: planned.case.id,
    group: planned.case.group,
    server: planned.case.server,
    params: planned.case.params,
    file: planned.case.loc.file,
    line: planned.case.loc.line,
    status: 'skipped',
    metrics: {},
    runs: [],
    spread: {},
    thresholds: [],
    regression: tolerancesOf(planned),
    error: { kind: 'interrupted', message: reason },
    retries: 0,
    durationSeconds: 0,
    netperf: [],
  };
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
