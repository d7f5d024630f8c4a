import { randomInt } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { createServerPool } from '../exec/server-pool.js';
import { sshConfigFile } from '../exec/ssh-netserver.js';
import { spawnNetperf } from '../exec/run-netperf.js';
import { ExitCode, PerfsuiteError, SuiteError, UsageError } from '../model/errors.js';
import type { HostFacts } from '../model/host-facts.js';
import { checkHost } from '../plan/check-host.js';
import { planCases } from '../plan/plan-cases.js';
import { congestionControlFacts, describeEnvironment, describeProvenance, netperfInstallHint, netperfVersion } from '../exec/environment.js';
import { JOURNAL_FILE, RESULTS_SCHEMA_VERSION, type CaseResult, type RunResult } from '../model/results.js';
import { preloadReporters, REPORTERS, type ResultsJournal, startJournal, writeResults, type ReporterName } from '../report/write-reports.js';
import { GROUP_END, groupStart } from '../report/render-github.js';
import { LOCK_FILE, lockOutDir } from '../report/out-lock.js';
import { notRunResult, runCases } from '../run/run-cases.js';
import { describeComparison, indexCases, judgeCase } from '../compare/compare-runs.js';
import { readBaselineFile } from '../results/read-results.js';
import { verdictOf } from '../results/verdict.js';
import type { CaseParams, SuiteSpec } from '../model/suite-types.js';
import { DEFAULT_OUT_DIR, overrideOptions, parseOverrides, readSuiteFiles, selectFromOptions, selectOptions, type SelectOptions, type SuiteOptions, suiteOptions } from './options.js';
import { describeSelection } from './format-plan.js';
import { formatCaseLine, formatProgress } from './console-reporter.js';
import { type CliIo, type Exit, realPath, useColor, whyNotWritable } from './io.js';
import { parseReporters, publishResults } from './publish-results.js';
import { defined } from '../model/defined.js';
import { judgeAgainstHistory } from '../compare/judge-history.js';
import { fingerprintOf } from '../history/history-file.js';
import type { HistoryEntry } from '../model/history.js';
import { type RunSetup, setupDifferences } from '../model/provenance.js';
import { readHistoryFile } from './history.js';
import { plural } from '../model/words.js';

export function command(io: CliIo, exit: Exit, version: string) {
  return new Command('run')
    .argument('<files...>', 'suite files or globs')
    .description('run every case with netperf, judge thresholds (and regressions with --baseline), write results.json after each case and the reports at the end')
    .addOption(suiteOptions.var())
    .addOption(suiteOptions.maxCases())
    .addOption(selectOptions.filter())
    .addOption(selectOptions.shard())
    .option('--out <dir>', 'directory for results.json and the reports', DEFAULT_OUT_DIR)
    .addOption(overrideOptions.repeat())
    .addOption(overrideOptions.duration())
    .option('--reporter <names>', 'reports to write besides results.json: junit, markdown, html (comma-separated)', 'junit,markdown,html')
    .option('--baseline <results.json>', "judge each group's regression: tolerances against this earlier run (exit 1 on a regression)")
    .option('--history <file>', "judge each group's regression: tolerances against the history of earlier runs (perfsuite history add); exit 1 on a regression")
    .option('--seed <n>', 'seed of every random choice: the interleaved order of compare: arms and the order of --shuffle (recorded in results.json; the same seed gives the same order)')
    .option('--shuffle', 'run the cases in a random order seeded by --seed, to expose order effects (a compare: group moves as one); results.json lists them in suite order')
    .addOption(new Option('--missing-baseline <fail|warn>', 'when no metric could be compared against --baseline or --history (another suite, renamed cases): fail the run (exit 1), or only warn').choices(['fail', 'warn'] as const).default('fail' as const))
    .option('--fail-on-inconclusive', 'a comparison still inconclusive at repeat max fails its case (exit 1) instead of warning')
    .action(async (files, options) => {
      const reporters = parseReporters(options.reporter).filter((name) => name !== 'json');
      const seed = options.seed === undefined ? randomInt(2 ** 31) : parseSeed(options.seed);
      exit(await run(files, { ...options, overrides: parseOverrides(options), version, reporters, seed, shuffle: options.shuffle === true, failOnInconclusive: options.failOnInconclusive === true, missingBaseline: options.missingBaseline }, io));
    });
}

export interface RunOptions extends SuiteOptions, SelectOptions {
  readonly out: string;
  readonly overrides: CaseParams;
  readonly version: string;
  /** Reports besides results.json, which is always written. */
  readonly reporters: readonly ReporterName[];
  /** results.json of an earlier run to judge `regression:` tolerances against. */
  readonly baseline?: string | undefined;
  /** A history file (JSON Lines) to judge `regression:` tolerances against. */
  readonly history?: string | undefined;
  /** Seeds every random choice (the interleaved order of `compare:` arms, `shuffle`); recorded in results.json. */
  readonly seed: number;
  /** Run the cases in an order shuffled from `seed` (`--shuffle`). */
  readonly shuffle?: boolean;
  readonly failOnInconclusive: boolean;
  /** What a baseline or history that matched no case does to the run: fail it (the default), or only warn. */
  readonly missingBaseline?: 'fail' | 'warn';
}

/** `--seed N`: a whole number from 0 to 2^32 − 1, so results.json can record it exactly. */
export function parseSeed(text: string): number {
  const seed = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(seed) || seed > 2 ** 32 - 1) {
    throw new UsageError(`--seed '${text}' is not a seed; pass a whole number from 0 to 4294967295 (results.json records the seed of every run)`);
  }
  return seed;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** `perfsuite run`: measures every case, writing results.json after each one; returns the exit code. */
export async function run(files: readonly string[], options: RunOptions, io: CliIo): Promise<number> {
  // `--shuffle 5` reads 5 as a suite file: say what was meant
  const number = options.shuffle === true ? files.find((file) => /^\d+$/.test(file) && !existsSync(path.resolve(io.cwd, file))) : undefined;
  if (number !== undefined) throw new UsageError(`--shuffle takes no value, so '${number}' was read as a suite file; the order comes from the seed: --shuffle --seed ${number}`);
  const read = readSuiteFiles(files, options, io, options.overrides);
  const { suites } = read;
  const chosen = selectFromOptions(read.cases, options);
  const { cases } = chosen;
  const selected = chosen.selected === undefined ? undefined : { ...chosen.selected, plannedCases: cases.map((c) => c.id) };
  const plan = planCases(suites, cases);
  const baseline = options.baseline === undefined ? undefined : { file: options.baseline, result: readBaselineFile(options.baseline, io.cwd) };
  const baselineCases = baseline === undefined ? new Map<string, CaseResult>() : indexCases(baseline.result);
  const history = options.history === undefined ? undefined : readHistoryForRun(options.history, io);
  // independent probes, so they run at once: netperf's version and where the run came from (git)
  const [netperf, provenance] = await Promise.all([netperfVersion(), describeProvenance(options.version, suites, plan.servers, { env: io.env, cwd: io.cwd })]);
  if (netperf === undefined) {
    throw new PerfsuiteError(`netperf is not installed or not on PATH; install it with: ${netperfInstallHint()}`, ExitCode.unmeasured);
  }
  const hostProblems = checkHost(cases, suites, hostFacts());
  if (hostProblems.length > 0) throw new SuiteError(hostProblems);

  if (selected !== undefined) await io.stdout(`${describeSelection(selected).join('\n')}\n`);
  if (options.shuffle === true) await io.stdout(`cases in a shuffled order: seed ${options.seed} (--shuffle --seed ${options.seed} repeats it)\n`);
  const outDir = path.resolve(io.cwd, options.out);
  if (options.baseline !== undefined && realPath(path.join(outDir, REPORTERS.json.file)) === realPath(path.resolve(io.cwd, options.baseline))) {
    throw new UsageError(`--out ${options.out} would overwrite the baseline ${options.baseline}; pass another --out (or copy the baseline elsewhere first)`);
  }
  const lock = lockOut(outDir, options.out, io);
  try {
    const color = useColor(io);
    const showProgress = io.isTTY && io.env['CI'] === undefined;
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const environment = describeEnvironment(options.version, netperf);
    const fingerprint = fingerprintOf(environment, provenance);
    const historyComparison = history === undefined ? undefined : historyComparisonOf(history, { environment, provenance }, fingerprint);
    const sshConfig = sshConfigFile(io.env);
    const controller = new AbortController();
    const pool = createServerPool(plan.servers, { netperfVersion: netperf, signal: controller.signal, cwd: io.cwd, warn: (message) => io.stderr(`${showProgress ? '\r\x1b[K' : ''}perfsuite: warning: ${message}\n`), ...defined({ sshConfigFile: sshConfig }) });
    const finished: CaseResult[] = [];
    // results.json lists cases in suite order whatever order they ran in (--shuffle), so runs and shards line up
    const planOrder = new Map(plan.cases.map((p, i) => [p.case.id, i]));
    const snapshot = (state: RunResult['state']): RunResult => {
      // at the end of a run that stopped early, every case it never got to is there as skipped
      const done = new Set(finished.map((c) => c.id));
      const notRun = state === 'running' || state === 'complete' ? [] : plan.cases.filter((p) => !done.has(p.case.id)).map((p) => notRunResult(p, `the run was ${state} before this case`));
      const result: RunResult = {
        schemaVersion: RESULTS_SCHEMA_VERSION,
        state,
        startedAt,
        ...(state === 'running' ? {} : { finishedAt: new Date().toISOString() }),
        environment,
        provenance,
        servers: pool.describe(),
        suites: groupBySuite(suites, [...finished, ...notRun].sort((a, b) => (planOrder.get(a.id) ?? 0) - (planOrder.get(b.id) ?? 0))),
        seed: options.seed,
        ...(options.shuffle === true ? { shuffled: true } : {}),
        ...(options.failOnInconclusive ? { failOnInconclusive: true } : {}),
        ...(options.missingBaseline === 'warn' ? { missingBaseline: 'warn' as const } : {}),
        ...defined({ selection: selected, history: historyComparison }),
      };
      return baseline === undefined ? result : { ...result, comparison: describeComparison(result, baseline.result, baseline.file) };
    };
    let final = snapshot('running');
    let journal: ResultsJournal;
    try {
      writeResults(outDir, final);
      journal = startJournal(outDir);
    } catch (error) {
      throw new UsageError(`cannot write results to ${outDir}: ${whyNotWritable(outDir, error as Error)}; pass a writable --out directory`);
    }

    preloadReporters(options.reporters);
    /** The first failure to write the results (a full disk, say): the run stops, what was written stays. */
    let writeFailure: { error: Error; file: string; savedCases: number } | undefined;
    let savedCases = 0;
    const fail = (error: unknown, file: string): void => {
      writeFailure = { error: error as Error, file, savedCases };
      controller.abort();
    };
    // results.json is rewritten between cases only while that costs under 1/20 of the time since the last rewrite
    // (every case in a short run, now and then in a 10,000-case one); the journal has every case in the meantime
    const snapshots = { last: performance.now(), costMs: 0 };
    const saveCase = (result: CaseResult): void => {
      if (writeFailure !== undefined) return;
      try {
        journal.append(result);
        savedCases += 1;
      } catch (error) {
        fail(error, JOURNAL_FILE);
        return;
      }
      const now = performance.now();
      if (now - snapshots.last < 20 * snapshots.costMs) return;
      try {
        writeResults(outDir, snapshot('running'));
      } catch (error) {
        fail(error, REPORTERS.json.file);
      }
      snapshots.last = performance.now();
      snapshots.costMs = snapshots.last - now;
    };
    const saveFinal = (state: RunResult['state']): void => {
      if (writeFailure !== undefined) return;
      try {
        writeResults(outDir, snapshot(state));
        journal.remove();
      } catch (error) {
        fail(error, REPORTERS.json.file);
      }
    };
    const onSignal = (): void => controller.abort();
    // SIGHUP: the terminal or the ssh session that started perfsuite went away
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    const onGithub = io.env['GITHUB_ACTIONS'] === 'true';
    let openGroup: string | undefined;
    let remainingSeconds = plan.estimatedSeconds;
    let outcome: { interrupted: boolean } = { interrupted: false };
    // an exception leaves 'crashed'; servers are stopped and the final state written whatever happens
    let state: RunResult['state'] = 'crashed';
    try {
      outcome = await runCases(plan.cases, {
        executor: spawnNetperf,
        servers: pool,
        signal: controller.signal,
        now: () => performance.now(),
        seed: options.seed,
        shuffle: options.shuffle === true,
        failOnInconclusive: options.failOnInconclusive,
        onCaseStart: async (planned, index) => {
          // one log group per suite; a shuffled run hops between suites, so it gets one group for all its cases
          const group = options.shuffle === true ? 'perfsuite: cases in a shuffled order' : `perfsuite: ${planned.case.suite}`;
          if (onGithub && group !== openGroup) {
            await io.stdout(`${openGroup === undefined ? '' : GROUP_END}${groupStart(group)}`);
            openGroup = group;
          }
          if (showProgress) io.stderr(`\r\x1b[K${formatProgress(index, plan.cases.length, remainingSeconds, planned.case.id)}`);
        },
        onCaseFinished: async (measured, planned, index) => {
          const againstBaseline = baseline === undefined ? measured : judgeCase(measured, baselineCases, { against: baseline.file, failOnInconclusive: options.failOnInconclusive });
          const result = history === undefined ? againstBaseline : judgeAgainstHistory(againstBaseline, history.entries, { file: history.file, fingerprint, failOnInconclusive: options.failOnInconclusive });
          finished.push(result);
          remainingSeconds -= planned.estimatedSeconds;
          saveCase(result);
          if (showProgress) io.stderr('\r\x1b[K');
          await io.stdout(`${formatCaseLine(result, index, plan.cases.length, { color })}\n`);
        },
      });
      state = outcome.interrupted ? 'interrupted' : 'complete';
    } finally {
      // the handlers stay until teardown is done: a second Ctrl-C (or a cancelled job's SIGTERM) must not cut it short
      await pool.stopAll();
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      for (const warning of pool.teardownWarnings()) io.stderr(`perfsuite: warning: ${warning}\n`);
      final = snapshot(state);
      saveFinal(state);
      if (openGroup !== undefined) await io.stdout(GROUP_END);
    }
    if (showProgress) io.stderr('\r\x1b[K');
    if (writeFailure !== undefined) {
      const { error, file, savedCases: kept } = writeFailure;
      throw new PerfsuiteError(
        `cannot write ${path.join(outDir, file)} (${error.message}); the run stopped there, and the files on disk hold the ${plural(kept, 'case')} finished before it (perfsuite report ${path.join(outDir, REPORTERS.json.file)} reads them). Free space or pass another --out, then run again`,
        ExitCode.unmeasured,
      );
    }
    await publishResults(final, { outDir, reporters: ['json', ...options.reporters], seconds: (performance.now() - started) / 1000, planned: plan.cases.length, color }, io);
    return verdictOf(final).exitCode;
  } finally {
    lock.release();
  }
}


function groupBySuite(suites: readonly SuiteSpec[], results: readonly CaseResult[]): RunResult['suites'] {
  return suites.map((suite) => ({
    name: suite.name,
    file: suite.file,
    cases: results.filter((r) => r.id.startsWith(`${suite.name}/`)),
  }));
}


/** Takes the output directory's lock: a second live run into it is refused (exit 2); one a killed run left is taken over, saying so. */
function lockOut(outDir: string, written: string, io: CliIo): { release: () => void } {
  let outcome: ReturnType<typeof lockOutDir>;
  try {
    outcome = lockOutDir(outDir);
  } catch (error) {
    throw new UsageError(`cannot write results to ${outDir}: ${whyNotWritable(outDir, error as Error)}; pass a writable --out directory`);
  }
  if (outcome.kind === 'held') {
    const { owner } = outcome;
    throw new UsageError(`another perfsuite run (pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}, started ${owner.startedAt}) is writing to ${written}; wait for it to finish, or pass another --out (its lock is ${path.join(written, LOCK_FILE)})`);
  }
  const gone = outcome.tookOverFrom;
  if (gone !== undefined) io.stderr(`perfsuite: note: took over ${path.join(written, LOCK_FILE)} from pid ${gone.pid} (started ${gone.startedAt}), which is no longer running: that run was killed before it finished, and this run replaces its results there\n`);
  return outcome;
}

/** The history a run is judged against. A missing file is a warning, never silence: a gate that quietly turned off is a bug. */
function readHistoryForRun(file: string, io: CliIo): { file: string; entries: HistoryEntry[] } {
  if (!existsSync(path.resolve(io.cwd, file))) {
    const message = `--history ${file} does not exist, so no case is judged against a history this time; add runs to it with perfsuite history add <results.json> --history ${file}`;
    io.stderr(io.env['GITHUB_ACTIONS'] === 'true' ? `::warning title=perfsuite: no history::${message}\n` : `perfsuite: warning: ${message}\n`);
  }
  return { file, entries: readHistoryFile(file, io) };
}

function historyComparisonOf(history: { file: string; entries: readonly HistoryEntry[] }, current: RunSetup, fingerprint: string): NonNullable<RunResult['history']> {
  // differences against the newest entry of a machine like this one (what the verdicts mostly rest on), else the newest
  const latest = history.entries.findLast((e) => e.fingerprint === fingerprint) ?? history.entries.at(-1);
  // GitHub gives every job a new host name: between machines of one fingerprint it is no difference worth a warning
  const differences = latest === undefined ? [] : setupDifferences(latest, current).filter((d) => d.field !== 'hostname' || latest.fingerprint !== fingerprint);
  return {
    file: history.file,
    entries: history.entries.length,
    sameFingerprintEntries: history.entries.filter((e) => e.fingerprint === fingerprint).length,
    ...defined({ latestDate: latest?.date, latestCommit: latest?.provenance.commit }),
    environmentDifferences: differences,
  };
}

/** What checkHost needs to know about this machine. */
export function hostFacts(): HostFacts {
  return { cpuCount: availableParallelism(), ...congestionControlFacts() };
}
