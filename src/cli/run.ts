import { randomInt } from 'node:crypto';
import path from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { baselineJudge } from '../compare/compare-runs.js';
import { historyJudge } from '../compare/judge-history.js';
import { describeEnvironment } from '../exec/environment.js';
import { spawnNetperf } from '../exec/run-netperf.js';
import { createServerPool } from '../exec/server-pool.js';
import { sshConfigFile } from '../exec/ssh-netserver.js';
import { fingerprintOf } from '../history/history-file.js';
import { defined } from '../model/defined.js';
import { ExitCode, PerfsuiteError, UsageError } from '../model/errors.js';
import type { CaseParams } from '../model/suite-types.js';
import { plural } from '../model/words.js';
import { preloadReporters, REPORTERS, ResultsWriteError, resultsSink, type ReporterName } from '../report/write-reports.js';
import { verdictOf } from '../results/verdict.js';
import { runPlan, type RunOutcome } from '../run/run-plan.js';
import { type CliIo, type Exit, untilStopped, useColor, whyNotWritable } from './io.js';
import { lockOut } from './out-dir.js';
import { DEFAULT_OUT_DIR, overrideOptions, parseOverrides, parseSeed, selectOptions, type SelectOptions, type SuiteOptions, suiteOptions } from './options.js';
import { parseReporters } from './reporters.js';
import type * as PublishResults from './publish-results.js';
import { runProgress } from './run-progress.js';
import { prepareRun } from './prepare-run.js';

/** What writes the reports and says the verdict: loaded while the first case runs. */
type PublishModule = typeof PublishResults;

export function command(io: CliIo, exit: Exit, version: string) {
  return new Command('run')
    .argument('<files...>', 'suite files or globs')
    .description(
      'run every case with netperf, judge thresholds (and regressions with --baseline), write results.json after each case and the reports at the end',
    )
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
    .option(
      '--seed <n>',
      'seed of every random choice: the interleaved order of compare: arms and the order of --shuffle (recorded in results.json; the same seed gives the same order)',
    )
    .option(
      '--shuffle',
      'run the cases in a random order seeded by --seed, to expose order effects (a compare: group moves as one); results.json lists them in suite order',
    )
    .addOption(
      new Option(
        '--missing-baseline <fail|warn>',
        'when no metric could be compared against --baseline or --history (another suite, renamed cases): fail the run (exit 1), or only warn',
      )
        .choices(['fail', 'warn'] as const)
        .default('fail' as const),
    )
    .option('--fail-on-inconclusive', 'a comparison still inconclusive at repeat max fails its case (exit 1) instead of warning')
    .action(async (files, options) => {
      const reporters = parseReporters(options.reporter).filter((name) => name !== 'json');
      const seed = options.seed === undefined ? randomInt(2 ** 31) : parseSeed(options.seed);
      exit(
        await run(
          files,
          {
            ...options,
            overrides: parseOverrides(options),
            version,
            reporters,
            seed,
            shuffle: options.shuffle === true,
            failOnInconclusive: options.failOnInconclusive === true,
            missingBaseline: options.missingBaseline,
          },
          io,
        ),
      );
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

/** `perfsuite run`: validates, then measures every case (results.json kept as it goes), then the reports; returns the exit code. */
export async function run(files: readonly string[], options: RunOptions, io: CliIo): Promise<number> {
  const { plan, selection, baseline, history, netperf, provenance, outDir } = await prepareRun(files, options, io);
  const lock = lockOut(outDir, options.out, io);
  try {
    const started = performance.now();
    const environment = describeEnvironment(options.version, netperf);
    const fingerprint = fingerprintOf(environment, provenance);
    const { failOnInconclusive } = options;
    const judges = [
      ...(baseline === undefined || options.baseline === undefined ? [] : [baselineJudge(baseline, options.baseline, { failOnInconclusive })]),
      ...(history === undefined ? [] : [historyJudge(history, { environment, provenance }, { fingerprint, failOnInconclusive })]),
    ];
    const color = useColor(io);
    const progress = runProgress(plan, { shuffle: options.shuffle === true, color }, io);
    const controller = new AbortController();
    const pool = createServerPool(plan.servers, {
      netperfVersion: netperf,
      signal: controller.signal,
      cwd: io.cwd,
      warn: progress.warn,
      ...defined({ sshConfigFile: sshConfigFile(io.env) }),
    });
    const header = {
      startedAt: new Date().toISOString(),
      environment,
      provenance,
      seed: options.seed,
      ...(options.shuffle === true ? { shuffled: true } : {}),
      ...(failOnInconclusive ? { failOnInconclusive: true } : {}),
      ...(options.missingBaseline === 'warn' ? { missingBaseline: 'warn' as const } : {}),
      ...defined({ selection }),
    };
    const sink = resultsSink(outDir);
    // SIGINT, SIGTERM, SIGHUP stop the run, not perfsuite, until the reports are written and the lock is given back
    return await untilStopped(controller, async () => {
      let outcome: RunOutcome;
      let publishing: Promise<PublishModule> | undefined;
      try {
        // what writes the reports loads while netperf measures, not before the first case
        preloadReporters(options.reporters);
        publishing = import('./publish-results.js');
        outcome = await runPlan(plan, {
          executor: spawnNetperf,
          servers: pool,
          signal: controller.signal,
          now: () => performance.now(),
          seed: options.seed,
          shuffle: options.shuffle === true,
          failOnInconclusive,
          judges,
          sink,
          header,
          onCaseStart: progress.onCaseStart,
          onCaseFinished: progress.onCaseFinished,
        });
      } catch (error) {
        if (error instanceof ResultsWriteError && error.file.endsWith(REPORTERS.json.file) && sink.savedCases() === 0) {
          throw new UsageError(`cannot write results to ${outDir}: ${whyNotWritable(outDir, error.reason)}; pass a writable --out directory`);
        }
        throw error;
      } finally {
        for (const warning of pool.teardownWarnings()) io.stderr(`perfsuite: warning: ${warning}\n`);
        await progress.end();
      }
      if (outcome.sinkFailure !== undefined) {
        const { error, savedCases } = outcome.sinkFailure;
        throw new PerfsuiteError(
          `${error.message}; the run stopped there, and the files on disk hold the ${plural(savedCases, 'case')} finished before it (perfsuite report ${path.join(outDir, REPORTERS.json.file)} reads them). Free space or pass another --out, then run again`,
          ExitCode.unmeasured,
        );
      }
      const { publishResults } = await (publishing ?? import('./publish-results.js'));
      await publishResults(
        outcome.result,
        {
          outDir,
          reporters: options.reporters,
          alreadyWritten: [REPORTERS.json.file],
          seconds: (performance.now() - started) / 1000,
          planned: plan.cases.length,
          color,
        },
        io,
      );
      return verdictOf(outcome.result).exitCode;
    });
  } finally {
    lock.release();
  }
}
