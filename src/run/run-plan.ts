import type { CaseJudge, RunSetupView } from '../model/judge.js';
import { RESULTS_SCHEMA_VERSION, type CaseResult, type MeasuredCase, type RunResult, statusOf } from '../model/results.js';
import type { ServerPool } from '../model/seams.js';
import type { SuiteSpec } from '../model/suite-types.js';
import type { Plan, PlannedCase } from '../plan/plan-cases.js';
import { type RunCasesOptions, notRunResult, runCases } from './run-cases.js';
import { defined } from '../model/defined.js';

/**
 * Where the run's results go as it goes (results.json and its journal, in report/write-reports.ts). A method that
 * throws stops the run: the error is kept, and every case finished before it stays where the sink put it.
 */
export interface RunSink {
  /** Before the first case: the run's result with no case yet. */
  readonly start: (result: RunResult) => void;
  /** After each case; `snapshot` builds the whole result so far, should the sink want to write it. */
  readonly caseFinished: (result: CaseResult, snapshot: () => RunResult) => void;
  /** Once, with the final result. */
  readonly finish: (result: RunResult) => void;
  /** How many cases the sink holds: what a failure leaves on disk. */
  readonly savedCases: () => number;
}

/** The servers of a run as the engine manages them: acquired by the cases, stopped at the end, described in results. */
export interface RunServers extends ServerPool {
  stopAll(): Promise<void>;
  describe(): RunResult['servers'];
}

/** The parts of results.json fixed before the first case. */
export type RunHeader = Omit<RunResult, 'schemaVersion' | 'state' | 'finishedAt' | 'servers' | 'suites' | 'comparison' | 'history'>;

export interface RunPlanOptions extends Omit<RunCasesOptions, 'onCaseFinished' | 'servers'> {
  readonly servers: RunServers;
  readonly judges: readonly CaseJudge[];
  readonly sink: RunSink;
  readonly header: RunHeader;
  /** Each finished case, judged, for the console. */
  readonly onCaseFinished?: (result: CaseResult, planned: PlannedCase, index: number) => void | Promise<void>;
}

/** What a run left: its result, and the sink's failure if one stopped it (the result is then only in memory). */
export interface RunOutcome {
  readonly result: RunResult;
  readonly sinkFailure?: { readonly error: Error; readonly savedCases: number };
}

/**
 * `perfsuite run` after validation (hyperfine's `Scheduler`): measures the plan's cases, judges each as it finishes,
 * hands them to the sink, stops the servers and returns the run's result. `signal` stops it early (Ctrl-C): the cases
 * it never got to are listed as skipped. An exception leaves the state `crashed`, after the servers are stopped.
 */
export async function runPlan(plan: Plan & { readonly suites: readonly Pick<SuiteSpec, 'name' | 'file'>[] }, options: RunPlanOptions): Promise<RunOutcome> {
  const finished: CaseResult[] = [];
  // results.json lists cases in suite order whatever order they ran in (--shuffle), so runs and shards line up
  const planOrder = new Map(plan.cases.map((p, i) => [p.case.id, i]));
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  options.signal.addEventListener('abort', abort, { once: true });
  if (options.signal.aborted) stop.abort();
  const snapshot = (state: RunResult['state']): RunResult => {
    // at the end of a run that stopped early, every case it never got to is there as skipped
    const done = new Set(finished.map((c) => c.id));
    const notRun =
      state === 'running' || state === 'complete'
        ? []
        : plan.cases
            .filter((p) => !done.has(p.case.id))
            .map((p) => notRunResult(p, state === 'crashed' ? 'the run crashed before this case' : `the run was ${state} before this case`));
    const cases = [...finished, ...notRun].sort((a, b) => (planOrder.get(a.id) ?? 0) - (planOrder.get(b.id) ?? 0));
    const result: RunResult = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      state,
      ...options.header,
      ...(state === 'running' ? {} : { finishedAt: new Date().toISOString() }),
      servers: options.servers.describe(),
      suites: plan.suites.map((suite) => ({ name: suite.name, file: suite.file, cases: cases.filter((c) => c.id.startsWith(`${suite.name}/`)) })),
    };
    return options.judges.reduce((whole, judge) => ({ ...whole, ...judge.describeRun?.(whole) }), result);
  };
  /** The run as the judges see it: its machine and provenance, and the servers used so far with the facts read of them. */
  const runSetup = (): RunSetupView => ({
    environment: options.header.environment,
    ...defined({ provenance: options.header.provenance }),
    servers: options.servers.describe(),
  });
  let sinkFailure: RunOutcome['sinkFailure'];
  const keep = (write: () => void): void => {
    if (sinkFailure !== undefined) return;
    try {
      write();
    } catch (error) {
      sinkFailure = { error: error as Error, savedCases: options.sink.savedCases() };
      stop.abort();
    }
  };
  // a sink that cannot take the empty run throws here, before anything starts
  options.sink.start(snapshot('running'));
  // an exception leaves 'crashed': the servers are stopped and the final state kept whatever happens
  let state: RunResult['state'] = 'crashed';
  let result: RunResult | undefined;
  try {
    const { interrupted } = await runCases(plan.cases, {
      ...options,
      describeRun: runSetup,
      signal: stop.signal,
      onCaseFinished: async (measured, planned, index) => {
        // the one place a case's status is decided: from its measurement, thresholds and every judge's regressions
        const judged = options.judges.reduce<MeasuredCase>((c, judge) => judge.judge(c, runSetup()), measured);
        const caseResult: CaseResult = { ...judged, status: statusOf(judged) };
        finished.push(caseResult);
        keep(() => options.sink.caseFinished(caseResult, () => snapshot('running')));
        await options.onCaseFinished?.(caseResult, planned, index);
      },
    });
    state = interrupted ? 'interrupted' : 'complete';
  } finally {
    options.signal.removeEventListener('abort', abort);
    await options.servers.stopAll();
    const last = snapshot(state);
    keep(() => options.sink.finish(last));
    result = last;
  }
  return { result, ...defined({ sinkFailure }) };
}
